/**
 * The conversation of a domain that is not a tau2 port (the demo, a domain of your own): user turn, then
 * agent turns until the agent speaks to the user, with `call_expert` routed to the expert models. Endings
 * are thrown as {@link Ended}; steps, calls and tools go through the trial's {@link TrialContext}.
 */
import type { Context } from '@opentelemetry/api';
import type OpenAI from 'openai';
import { AGENT_GREETING, CALL_EXPERT, callExpertTool, STOP, TRANSFER } from '../domains/protocol.js';
import type { ChatRequest, ChatResult } from '../llm/client.js';
import { Attr, Kind } from '../telemetry/names.js';
import { agentSystemPrompt, expertSystemPrompt, userSystemPrompt } from './prompts.js';
import type { TrialContext } from './trial-context.js';
import { Ended } from './trial-ending.js';

type Message = OpenAI.Chat.ChatCompletionMessageParam;

function parseArgs(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Both sides of the conversation; each model sees it from its own side. */
class PlainConversation {
  readonly tools: OpenAI.Chat.ChatCompletionTool[];
  readonly agentMsgs: Message[];
  /** The user simulator sees the conversation from its side: the agent speaks as `user`. */
  readonly userMsgs: Message[];

  constructor(readonly t: TrialContext) {
    const { domain, task, settings } = t.input;
    this.tools = [...domain.tools, ...(settings.useModelTool ? [callExpertTool] : [])].map((d) => ({
      type: 'function',
      function: { name: d.name, description: d.description, parameters: { ...d.parameters } },
    }));
    this.agentMsgs = [
      { role: 'system', content: agentSystemPrompt(domain, settings.useModelTool) },
      { role: 'assistant', content: AGENT_GREETING },
    ];
    this.userMsgs = [
      { role: 'system', content: userSystemPrompt(task) },
      { role: 'user', content: AGENT_GREETING },
    ];
  }

  async userTurn(): Promise<void> {
    const { t } = this;
    const text = await t.step('user', async (ctx, span) => {
      span.setAttribute(Attr.stepTo, 'agent');
      const request: ChatRequest = {
        kind: Kind.userSim,
        model: t.settings.userModel,
        messages: this.userMsgs,
      };
      return (await t.chat(request, ctx, 'user')).content;
    });
    this.userMsgs.push({ role: 'assistant', content: text });
    this.agentMsgs.push({ role: 'user', content: text });
    t.transcript.push(`user: ${text}`);
    if (text.includes(STOP)) throw new Ended('user_stop');
    if (text.includes(TRANSFER)) throw new Ended('user_transfer');
  }

  /** Agent turns until the agent speaks to the user. */
  async agentTurns(): Promise<void> {
    const { t } = this;
    for (;;) {
      const r = await t.step('agent', async (ctx, span) => {
        const request: ChatRequest = {
          kind: Kind.llmCall,
          model: t.settings.agentModel,
          messages: this.agentMsgs,
          tools: this.tools,
        };
        const res = await t.chat(request, ctx, 'agent');
        span.setAttribute(Attr.stepTo, res.toolCalls.length > 0 ? 'env' : 'user');
        return res;
      });
      this.agentMsgs.push(r.message);
      if (r.toolCalls.length === 0) {
        this.userMsgs.push({ role: 'user', content: r.content });
        t.transcript.push(`assistant: ${r.content}`);
        if (r.content.includes(STOP)) throw new Ended('agent_stop');
        return;
      }
      t.transcript.push(
        `assistant: [tool calls] ${r.toolCalls.map((c) => `${c.name}(${c.arguments})`).join(', ')}`,
      );
      await t.step('env', async (ctx, span) => {
        span.setAttribute(Attr.stepTo, 'agent');
        for (const call of r.toolCalls) {
          const content = await this.runTool(ctx, call);
          this.agentMsgs.push({ role: 'tool', tool_call_id: call.id, content });
          t.transcript.push(`tool ${call.name}: ${content}`);
        }
      });
      if (t.consecutiveErrors >= t.settings.maxErrors) throw new Ended('too_many_errors');
    }
  }

  async runTool(ctx: Context, call: ChatResult['toolCalls'][number]): Promise<string> {
    const { t } = this;
    const args = parseArgs(call.arguments);
    if (call.name === CALL_EXPERT) return this.callExpert(ctx, args);
    const result = t.traceTool(ctx, call, () =>
      args
        ? t.env.execute(call.name, args)
        : { ok: false, content: `Error: arguments of ${call.name} are not valid JSON` },
    );
    if (args) t.made.push({ name: call.name, arguments: args });
    t.consecutiveErrors = result.ok ? 0 : t.consecutiveErrors + 1;
    return result.content;
  }

  async callExpert(ctx: Context, args: Record<string, unknown> | undefined): Promise<string> {
    const { t } = this;
    const expert = String(args?.expert ?? '');
    const model = t.settings.expertMapping[expert];
    if (!model) return `Error: unknown expert "${expert}"`;
    const messages: Message[] = [
      { role: 'system', content: expertSystemPrompt(t.input.domain) },
      { role: 'user', content: String(args?.question ?? '') },
    ];
    const r = await t.chat({ kind: Kind.expertCall, model, expertName: expert, messages }, ctx, 'expert');
    return r.content;
  }
}

/**
 * Plays the conversation in the environment the trial has set up (`t.env`) until it ends; always throws the
 * ending (an {@link Ended}, or the error of whatever failed).
 */
export async function playPlain(t: TrialContext): Promise<never> {
  const conversation = new PlainConversation(t);
  for (;;) {
    await conversation.userTurn();
    await conversation.agentTurns();
  }
}
