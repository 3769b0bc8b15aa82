import type { AlertGroup } from '../domain/group';
import type { MessageRef } from './alert-store';

/**
 * Which escalation steps have been taken, shared by every replica (PostgreSQL). A step is claimed before it is
 * told, atomically, so it is told once across the cluster and never again after a restart.
 */
export interface EscalationStore {
  /** true: this caller owns the step (group, step) now; false: some replica already took it. */
  claim(groupId: string, step: string, at: Date): Promise<boolean>;
  /** Gives a claimed step back (telling it failed), so a later run tries again. */
  release(groupId: string, step: string): Promise<void>;
}

/** What the escalation run decided to tell, in the thread of the group's message (or its storm roll-up's). */
export type EscalationEvent =
  | {
      kind: 'escalated';
      group: AlertGroup;
      /** 1-based step of the chain, and how many steps the chain has. */
      step: number;
      steps: number;
      /** The Slack mention to ping ("<@U…>", "<!subteam^S…>", "<!here>"); null: nobody could be resolved. */
      mention: string | null;
      /** The chain entry as written ("oncall", "oncall:db", "<!here>"), for words when nobody is on call. */
      target: string | null;
      /** How long the group has gone unacknowledged. */
      unacknowledgedMs: number;
    }
  | { kind: 'reminded'; group: AlertGroup; ackBy: string; acknowledgedMs: number };

/** Tells an escalation step where the group is shown (the surface decides the words). May throw. */
export interface EscalationNotifier {
  notify(ref: MessageRef, event: EscalationEvent): Promise<void>;
}
