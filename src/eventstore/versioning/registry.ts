/**
 * Turns an event's data from the shape of version n into that of version n + 1. It sees only
 * what was stored, so it must be pure: no clock, no lookups (Greg Young, "Versioning in an
 * Event Sourced System"; Axon's and Marten's upcasters).
 */
export type Upcaster = (data: unknown) => unknown;

/** Per event type, its upcasters in order: the first turns version 1 into 2, the next 2 into 3… */
export type UpcasterChains = Readonly<Record<string, readonly Upcaster[]>>;

/** An event written by a newer ResuMate than this one: its shape cannot be guessed. */
export class UnknownEventVersionError extends Error {
  constructor(
    readonly type: string,
    readonly version: number,
    readonly currentVersion: number,
  ) {
    super(`${type} event written at schema version ${version}, but this ResuMate knows versions up to ${currentVersion}: upgrade it`);
    this.name = 'UnknownEventVersionError';
  }
}

export interface EventVersions {
  /** Some type is past version 1 (until then, readers need no stored versions to upcast). */
  readonly versioned: boolean;
  /** The version events of `type` are written at now: one more than its upcasters. */
  currentVersion(type: string): number;
  /** `data` of a `type` event written at `version`, in the current shape. */
  upcast(type: string, data: unknown, version: number): unknown;
}

/** The version a stored event was written at: events from before versioning carry none, and are version 1. */
export const storedVersionOf = (metadata: { schemaVersion?: unknown } | undefined): number =>
  typeof metadata?.schemaVersion === 'number' ? metadata.schemaVersion : 1;

export function eventVersions(chains: UpcasterChains): EventVersions {
  const byType = new Map(Object.entries(chains).filter(([, chain]) => chain.length > 0));
  const currentVersion = (type: string) => (byType.get(type)?.length ?? 0) + 1;
  return {
    versioned: byType.size > 0,
    currentVersion,
    upcast(type, data, version) {
      const chain = byType.get(type) ?? [];
      if (version > chain.length + 1) throw new UnknownEventVersionError(type, version, chain.length + 1);
      let shaped = data;
      for (let v = Math.max(version, 1); v <= chain.length; v++) shaped = chain[v - 1]!(shaped);
      return shaped;
    },
  };
}
