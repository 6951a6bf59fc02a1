import { eventVersions, type UpcasterChains } from './registry.js';

/**
 * Every event type's upcasters, oldest first. Empty: every event still has the shape it was
 * first written in (test/fixtures/events/v1). To change a shape, see "Event versions" in the
 * README: capture the fixtures, add the upcaster here, then change the type.
 */
export const UPCASTERS: UpcasterChains = {};

export const currentEventVersions = eventVersions(UPCASTERS);
