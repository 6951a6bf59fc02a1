/** An aggregate as a pure decider (Emmett, Jérémie Chassaing): no I/O, no clock, no id generation. */
export interface Decider<Command, Event, State> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** Time and identity of whoever issued a command; recorded as event metadata. */
export interface CommandContext {
  userId: number | null;
  requestId: string;
  at: string;
}
