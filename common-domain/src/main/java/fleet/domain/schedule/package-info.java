/**
 * Schedules (SPEC §7.6): windows in a time zone, their occurrences, and the checks the API runs on them.
 *
 * <p>Pure code, like the rest of {@link fleet.domain}: no framework or I/O, no clock reads (the instant is always an
 * argument). DST rules ({@link fleet.domain.schedule.ZonedTimes}): a local start skipped by spring-forward fires at the
 * first valid instant after the gap; a local time repeated by fall-back fires once, at its first pass. An occurrence is
 * identified by its schedule and its start instant, which is the unique key of {@code schedule_occurrence}.
 */
package fleet.domain.schedule;
