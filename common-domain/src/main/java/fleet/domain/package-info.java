/**
 * The pure domain core: vocabularies with their stable wire numbers, the event and target state
 * machines ({@link fleet.domain.state}), the selection planner ({@link fleet.domain.selection}), the
 * confirmation predicates ({@link fleet.domain.confirm}) and device scopes with their stored form
 * ({@link fleet.domain.scope}).
 *
 * <p>Invariants of everything under this package: plain Java 17, no framework, database or I/O
 * imports; no clock reads (time is always an argument); every function is deterministic, so the same
 * inputs give the same output on every replica.
 */
package fleet.domain;
