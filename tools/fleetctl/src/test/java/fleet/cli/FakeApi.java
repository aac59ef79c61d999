package fleet.cli;

import fleet.curtailment.v1.AdminTerminateEventRequest;
import fleet.curtailment.v1.AdminTerminateEventResponse;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.GetCurtailmentEventRequest;
import fleet.curtailment.v1.GetCurtailmentEventResponse;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.RegisterDevicesResponse;
import fleet.curtailment.v1.RegisteredDevice;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StartCurtailmentResponse;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.StopCurtailmentResponse;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventResponse;
import fleet.curtailment.v1.WatchCurtailmentEventRequest;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted CurtailmentService + InventoryService on a real gRPC server (loopback, ephemeral port): records every
 * request and the authorization header, answers with canned responses or a canned error.
 */
final class FakeApi implements AutoCloseable {

    final List<Object> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    volatile StatusRuntimeException failWith;
    volatile StopCurtailmentResponse stopResponse = StopCurtailmentResponse.getDefaultInstance();
    volatile StartCurtailmentResponse startResponse = StartCurtailmentResponse.getDefaultInstance();
    volatile GetCurtailmentEventResponse getResponse = GetCurtailmentEventResponse.getDefaultInstance();
    volatile UpdateCurtailmentEventResponse updateResponse = UpdateCurtailmentEventResponse.getDefaultInstance();
    volatile AdminTerminateEventResponse terminateResponse = AdminTerminateEventResponse.getDefaultInstance();
    volatile List<WatchCurtailmentEventResponse> watchMessages = List.of();
    /** ListCommandHistory answers these pages in turn (the last one again once they run out). */
    volatile List<fleet.curtailment.v1.ListCommandHistoryResponse> historyPages =
            List.of(fleet.curtailment.v1.ListCommandHistoryResponse.getDefaultInstance());
    volatile fleet.curtailment.v1.ListActiveCurtailmentsResponse activeResponse =
            fleet.curtailment.v1.ListActiveCurtailmentsResponse.getDefaultInstance();

    private final Server server;

    FakeApi() throws IOException {
        ServerInterceptor recordAuth = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                authorizations.add(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
                return next.startCall(call, headers);
            }
        };
        server = ServerBuilder.forPort(0)
                .addService(ServerInterceptors.intercept(new Curtailment(), recordAuth))
                .addService(ServerInterceptors.intercept(new Inventory(), recordAuth))
                .addService(ServerInterceptors.intercept(new Activity(), recordAuth))
                .build().start();
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    @SuppressWarnings("unchecked")
    <T> List<T> requests(Class<T> type) {
        return (List<T>) requests.stream().filter(type::isInstance).toList();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private <T> void answer(Object request, T response, StreamObserver<T> observer) {
        requests.add(request);
        if (failWith != null) {
            observer.onError(failWith);
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    private final class Curtailment extends CurtailmentServiceGrpc.CurtailmentServiceImplBase {
        @Override
        public void stopCurtailment(StopCurtailmentRequest request, StreamObserver<StopCurtailmentResponse> observer) {
            answer(request, stopResponse, observer);
        }

        @Override
        public void startCurtailment(StartCurtailmentRequest request, StreamObserver<StartCurtailmentResponse> observer) {
            answer(request, startResponse, observer);
        }

        @Override
        public void getCurtailmentEvent(GetCurtailmentEventRequest request,
                StreamObserver<GetCurtailmentEventResponse> observer) {
            answer(request, getResponse, observer);
        }

        @Override
        public void updateCurtailmentEvent(UpdateCurtailmentEventRequest request,
                StreamObserver<UpdateCurtailmentEventResponse> observer) {
            answer(request, updateResponse, observer);
        }

        @Override
        public void adminTerminateEvent(AdminTerminateEventRequest request,
                StreamObserver<AdminTerminateEventResponse> observer) {
            answer(request, terminateResponse, observer);
        }

        @Override
        public void listActiveCurtailments(fleet.curtailment.v1.ListActiveCurtailmentsRequest request,
                StreamObserver<fleet.curtailment.v1.ListActiveCurtailmentsResponse> observer) {
            answer(request, activeResponse, observer);
        }

        @Override
        public void watchCurtailmentEvent(WatchCurtailmentEventRequest request,
                StreamObserver<WatchCurtailmentEventResponse> observer) {
            requests.add(request);
            watchMessages.forEach(observer::onNext);
            observer.onCompleted();
        }
    }

    private final class Inventory extends InventoryServiceGrpc.InventoryServiceImplBase {
        @Override
        public void registerDevices(RegisterDevicesRequest request, StreamObserver<RegisterDevicesResponse> observer) {
            RegisterDevicesResponse.Builder r = RegisterDevicesResponse.newBuilder().setCreatedCount(request.getDevicesCount());
            request.getDevicesList().forEach(d -> r.addDevices(RegisteredDevice.newBuilder()
                    .setIdentifier(d.getIdentifier()).setDeviceId(UUID.randomUUID().toString()).setCreated(true)));
            answer(request, r.build(), observer);
        }
    }

    private final class Activity extends fleet.curtailment.v1.ActivityServiceGrpc.ActivityServiceImplBase {
        @Override
        public void listCommandHistory(fleet.curtailment.v1.ListCommandHistoryRequest request,
                StreamObserver<fleet.curtailment.v1.ListCommandHistoryResponse> observer) {
            List<fleet.curtailment.v1.ListCommandHistoryResponse> pages = historyPages;
            int served = requests(fleet.curtailment.v1.ListCommandHistoryRequest.class).size();
            answer(request, pages.get(Math.min(served, pages.size() - 1)), observer);
        }
    }
}
