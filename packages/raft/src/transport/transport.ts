// What the serial driver needs from a network: best-effort delivery of the core's messages,
// stamped with the identity of both ends.
import type { Message, NodeId } from '../core/types.js';

/**
 * Messages from one node to one other node, with both ends' identity (the wire's RaftBatch). The
 * receiving driver uses the directory ids to tell an incarnation that lost its state from its
 * former self (see the README, "Identity").
 */
export interface RaftEnvelope {
  /** The sender's cluster id; '' while it has none. */
  readonly clusterId: string;
  /** The sender's directory id. */
  readonly fromDirectoryId: string;
  /** The directory id the sender believes the receiver has; '' when it does not know. */
  readonly toDirectoryId: string;
  /** The directory id of a lost incarnation the sender's storage replaces; '' when none. */
  readonly fromReplaces: string;
  /** At least one; all with the same `from` and the same `to`. */
  readonly messages: readonly Message[];
}

/** Who serves at an address (the answer to Identify). */
export interface PeerIdentity {
  readonly clusterId: string;
  readonly nodeId: NodeId;
  readonly directoryId: string;
  /** The directory id of a lost incarnation this storage replaces; absent when none. */
  readonly replaces?: string;
}

export interface RaftTransport {
  /**
   * Queues the envelopes for their receivers and returns at once. Best effort: an envelope to a
   * peer whose connection is down, or beyond a full queue, is dropped (Raft retries). Never throws
   * for the network's faults.
   */
  send(envelopes: readonly RaftEnvelope[]): void;
  /** The one receiver of every envelope that arrives for this node (set by the driver). */
  onReceive(handler: (envelope: RaftEnvelope) => void): void;
  /** What this node answers when a peer asks who it is (set by the driver once storage is open). */
  setIdentity(identity: PeerIdentity): void;
  /** Where a peer is reached ('host:port'); undefined forgets it. Membership changes call this. */
  setPeerAddress(id: NodeId, address: string | undefined): void;
  /** Asks whoever serves at `address` for its identity (a leader does, before it adds a voter). */
  identify(address: string, timeoutMs: number): Promise<PeerIdentity>;
  /** Drops queued messages, closes connections. Safe twice. */
  close(): Promise<void>;
}
