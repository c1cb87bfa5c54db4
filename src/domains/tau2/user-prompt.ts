/**
 * The user simulator's system prompt as tau2's `UserSimulator.system_prompt` builds it (user/user_simulator.py):
 * the guidelines (with tools or without), the persona guidelines of the run's `PersonaConfig` (none by
 * default), and the task's scenario as `str(task.user_scenario)` (data_model/tasks.py).
 */
import type { PyDict } from './env/python.js';
import { SIMULATION_GUIDELINES, SIMULATION_GUIDELINES_TOOLS } from './user-guidelines.js';

// The line breaks of Python's str.splitlines(), which textwrap.indent splits on (keeping them).
const LINE = /[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/gu;

/** `textwrap.indent(text, prefix)`: every line that is not whitespace only gets the prefix. */
export function pyIndent(text: string, prefix: string): string {
  const lines = text.match(LINE)?.filter((l) => l !== '') ?? [];
  return lines.map((l) => (l.trim() === '' ? l : prefix + l)).join('');
}

const optStr = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** `str(StructuredUserInstructions)` or the plain string instructions. */
function instructionsText(instructions: unknown): string {
  if (typeof instructions === 'string') return instructions;
  const i = (instructions ?? {}) as PyDict;
  const lines = [
    `Domain: ${String(i['domain'])}`,
    `Reason for call:\n${pyIndent(String(i['reason_for_call']), '\t')}`,
  ];
  const known = optStr(i['known_info']);
  if (known !== null) lines.push(`Known info:\n${pyIndent(known, '\t')}`);
  const unknown = optStr(i['unknown_info']);
  if (unknown !== null) lines.push(`Unknown info:\n${pyIndent(unknown, '\t')}`);
  lines.push(`Task instructions:\n${pyIndent(String(i['task_instructions']), '\t')}`);
  return lines.join('\n');
}

/** `str(task.user_scenario)`: `Persona:` (when set) and `Instructions:`, each indented with a tab. */
export function userScenarioText(scenario: PyDict): string {
  const lines: string[] = [];
  const persona = optStr(scenario['persona']);
  if (persona !== null) lines.push('Persona:', pyIndent(persona, '\t'));
  lines.push('Instructions:', pyIndent(instructionsText(scenario['instructions']), '\t'));
  return lines.join('\n');
}

/**
 * `UserSimulator.system_prompt` for a user with or without tools. `personaGuidelines` is what the run's
 * `PersonaConfig.to_guidelines_text()` adds; tau2's default config adds nothing (and the a2c0247 guideline
 * files have no `<PERSONA_GUIDELINES>` slot, so it could not show anyway).
 */
export function userSystemPrompt(scenarioText: string, hasTools: boolean, personaGuidelines = ''): string {
  const guidelines = hasTools ? SIMULATION_GUIDELINES_TOOLS : SIMULATION_GUIDELINES;
  const persona = personaGuidelines === '' ? '' : `\n\n${personaGuidelines}\n`;
  const withPersona = guidelines.replaceAll('<PERSONA_GUIDELINES>', persona);
  return `${withPersona}\n\n<scenario>\n${scenarioText}\n</scenario>`;
}
