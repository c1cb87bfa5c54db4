/**
 * What the harness needs from a domain: its policy, its tools, its tasks, and a fresh environment (a private
 * copy of the database) for every task trial. Domains are plain data plus pure tool functions, so the
 * simulated agent, the orchestrator and the evaluator all see the same world.
 */

import type { Tau2Play } from './tau2/play.js';

/** JSON Schema of a tool's parameters, as sent in an OpenAI `tools` entry. */
export interface JsonSchema {
  type: 'object';
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

/** One tool as the agent sees it (OpenAI function-tool shape without the wrapper). */
export interface ToolSchema {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** An action the agent is expected to take, from the task's evaluation criteria. */
export interface ExpectedAction {
  name: string;
  arguments: Record<string, unknown>;
  /** Argument names compared by the action check; undefined means all of them, [] means none. */
  compareArgs?: string[];
  /** Who makes the call (tau2's `requestor`); undefined: the agent. */
  requestor?: 'assistant' | 'user';
  /** The arguments as a model sends them, when plain JSON would change them (tau2 keeps 2 and 2.0 apart). */
  argumentsJson?: string;
}

/** What a task's reward is made of (tau2's `reward_basis`). */
export type RewardBasis = 'DB' | 'ACTION' | 'NL_ASSERTION';

/** One task of a domain. */
export interface Task {
  id: string;
  domain: string;
  /** Text the user simulator is instructed with; the sim user states it as its first message. */
  userInstructions: string;
  expectedActions: ExpectedAction[];
  nlAssertions: string[];
  rewardBasis: RewardBasis[];
  /** tau2's `communicate_info`: what the agent must tell the user. */
  communicateInfo?: string[];
}

/** Outcome of one tool execution: tool errors are values, not exceptions. */
export interface ToolResult {
  ok: boolean;
  /** What goes back to the agent as the tool message content (JSON text or an error message). */
  content: string;
}

/** One task trial's private world: a deep copy of the domain database and the tools bound to it. */
export interface DomainEnvironment {
  /** Runs a tool for the agent, or for the user when `requestor` is `user` (domains with user tools). */
  execute(toolName: string, args: Record<string, unknown>, requestor?: 'assistant' | 'user'): ToolResult;
  /** A stable digest of the current database, compared by the evaluator's DB check. */
  dbHash(): string;
}

/** A domain: policy, tools, tasks, and a factory for per-trial environments. */
export interface Domain {
  name: string;
  policy: string;
  tools: ToolSchema[];
  tasks: Task[];
  createEnvironment(task: Task): DomainEnvironment;
  /**
   * Set on a faithful tau2 port: the orchestrator then plays the domain as tau2 does (its prompts, schemas,
   * tool outputs and message list) and `tools`/`policy` only describe it.
   */
  tau2?: Tau2Play;
}
