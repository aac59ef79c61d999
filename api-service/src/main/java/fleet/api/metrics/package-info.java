/**
 * Fleet-wide gauges the api-service derives from PostgreSQL ({@link fleet.api.metrics.FleetGauges}).
 *
 * <p>Invariants: the values come from the database alone (never from a reconciler's memory), so they stay true
 * when every reconciler is gone; ages and liveness use the database's {@code now()}; a refresh costs a constant
 * number of statements whatever the fleet size; every api-service replica publishes the same values, so alert
 * rules aggregate them with {@code max}, never {@code sum}.
 */
package fleet.api.metrics;
