#!/usr/bin/env python3
"""Reference goldens for scoring, produced by tau2-bench's OWN `evaluate_simulation`.

Beside scripts/tau2_reference.py and sharing its set-up (the temporary TAU2_DATA_DIR, the quiet import of tau2
from the checkout, the orchestrator `tau2 run` builds). For every task of a domain it builds synthetic
trajectories (the gold one and variants of it, see VARIANTS), scores each with
`tau2.evaluator.evaluator.evaluate_simulation(..., EvaluationType.ALL)` as `tau2 run` does, and writes one line
per trajectory: the input and tau2's `RewardInfo.model_dump(mode="json")`, or the exception it raised.

Nothing calls a model: tau2's NL-assertion judge (`generate` in evaluator_nl_assertions) is replaced by a stub
that records the messages tau2 built for the model and answers with a canned text.

usage: tau2_scoring_reference.py --tau2-src <tau2-bench checkout> --data-dir <dir with domains/<domain>/>
                                 [--out test/fixtures/tau2] [--domains mock,retail,airline,telecom]
Writes <out>/<domain>_eval.jsonl (format: test/fixtures/tau2/README.md) and prints a summary per domain.
"""
import argparse
import copy
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tau2_reference import DOMAINS, Reference, dumps, import_tau2, make_data_dir, write_lines  # noqa: E402

# The termination reasons that score 0 without looking at the trajectory; variant `terminated` cycles
# through them task by task so every one is covered in every domain.
PREMATURE = ["max_steps", "too_many_errors", "agent_error", "user_error", "infrastructure_error",
             "context_window_exceeded", "timeout", "unexpected_error"]


def judge_answer(assertions: list[str], kind: str):
    """A canned judge answer for `assertions`. `met`/`one_not_met` are what a compliant model writes; the
    others are the ways a real model's answer goes wrong (they exercise tau2's parsing of it)."""
    def results(met):
        return {"results": [{"expectedOutcome": a, "reasoning": f"Checked: {a[:40]}", "metExpectation": m}
                            for a, m in zip(assertions, met)]}
    n = len(assertions)
    if kind == "met":
        return json.dumps(results([True] * n), indent=4)
    if kind == "one_not_met":
        return json.dumps(results([True] * (n - 1) + [False]), indent=4)
    if kind == "unparseable":  # a fenced block, as chat models often answer without a response format
        return "```json\n" + json.dumps(results([True] * n)) + "\n```"
    if kind == "trailing_comma":  # the prompt's own example has a trailing comma a model may copy
        return ('{\n    "results": [\n        {\n            "expectedOutcome": ' + json.dumps(assertions[0])
                + ',\n            "reasoning": "ok",\n            "metExpectation": true,\n        }\n    ]\n}')
    if kind == "empty_object":  # no "results": tau2 reads it as no checks at all
        return "{}"
    if kind == "fewer_results":  # only the first assertion graded
        return json.dumps(results([True]))
    if kind == "met_as_text":  # pydantic's lax bool: "yes" is True, "no" False
        return json.dumps({"results": [{"expectedOutcome": a, "reasoning": "r", "metExpectation": m}
                                       for a, m in zip(assertions, ["yes"] * (n - 1) + ["no"])]})
    if kind == "missing_key":
        return json.dumps({"results": [{"expectedOutcome": assertions[0], "metExpectation": True}]})
    if kind == "wrong_types":  # a number where tau2 wants a str, a str that is no bool
        return json.dumps({"results": [{"expectedOutcome": 7, "reasoning": None, "metExpectation": "maybe"}]})
    if kind == "results_not_list":
        return json.dumps({"results": "all met"})
    if kind == "top_level_list":
        return json.dumps([{"expectedOutcome": assertions[0], "reasoning": "r", "metExpectation": True}])
    if kind == "extra_data":
        return json.dumps(results([True] * n)) + "\nAll expectations are met."
    if kind == "none":  # the model answered with no text at all
        return None
    raise ValueError(kind)


# Judge answers tried on the mock domain only (its tasks are small); every domain gets met/one_not_met/
# unparseable where tau2 calls the judge.
MOCK_JUDGE_KINDS = ["met", "one_not_met", "unparseable", "trailing_comma", "empty_object", "fewer_results",
                    "met_as_text", "missing_key", "wrong_types", "results_not_list", "top_level_list",
                    "extra_data", "none"]


class Scoring:
    def __init__(self, ref: Reference):
        self.ref = ref
        from tau2.data_model import message as m
        from tau2.data_model.simulation import SimulationRun
        from tau2.data_model.tasks import RewardType
        from tau2.evaluator import evaluator_nl_assertions
        from tau2.evaluator.evaluator import EvaluationType, evaluate_simulation
        from tau2.utils.llm_utils import to_litellm_messages

        self.m = m
        self.SimulationRun = SimulationRun
        self.RewardType = RewardType
        self.EvaluationType = EvaluationType
        self.evaluate_simulation = evaluate_simulation
        self.judge_requests: list[dict] = []
        self.judge_reply = None

        def fake_generate(model, messages, tools=None, tool_choice=None, call_name=None, **kwargs):
            # What generate() would send to litellm's completion(): the converted messages and the kwargs.
            self.judge_requests.append({"model": model, "messages": to_litellm_messages(messages),
                                        "temperature": kwargs.get("temperature")})
            return m.AssistantMessage(role="assistant", content=self.judge_reply)

        evaluator_nl_assertions.generate = fake_generate

    # --- trajectories -------------------------------------------------------------------------------------

    def build(self, domain, task, actions, communicate: bool, stop: str):
        """A trajectory as the orchestrator records it: the task's message history (or tau2's first agent
        message and a user request), each action as a tool call of its requestor followed by the tool
        message `get_response` returns on a live, initialised environment, the communicate_info said by the
        assistant, and a stop message."""
        m = self.m
        env = self.ref.orchestrator(domain, task).environment
        history = task.initial_state.message_history if task.initial_state else None
        if history:
            messages = copy.deepcopy(history)
        else:
            messages = [m.AssistantMessage(role="assistant", content="Hi! How can I help you today?"),
                        m.UserMessage(role="user", content="Hello, I need help with my account.")]
        for i, action in enumerate(actions):
            call = m.ToolCall(id=f"call_{i}", name=action["name"], arguments=copy.deepcopy(action["arguments"]),
                              requestor=action["requestor"])
            cls = m.UserMessage if action["requestor"] == "user" else m.AssistantMessage
            messages.append(cls(role=action["requestor"], tool_calls=[call]))
            messages.append(env.get_response(call))
        info = (task.evaluation_criteria.communicate_info if task.evaluation_criteria else None) or []
        if communicate and info:
            messages.append(m.AssistantMessage(role="assistant", content="To sum up: " + "; ".join(info) + "."))
        else:
            messages.append(m.AssistantMessage(role="assistant", content="Is there anything else?"))
        if stop == "user":
            messages.append(m.UserMessage(role="user", content="Thanks, that is all. ###STOP###"))
        else:
            messages.append(m.AssistantMessage(role="assistant", content="###STOP###"))
        return messages

    @staticmethod
    def message_json(msg) -> dict:
        """The line format of a message (README): only what scoring reads."""
        if msg.role == "tool":
            return {"role": "tool", "id": msg.id, "content": msg.content, "requestor": msg.requestor,
                    "error": msg.error}
        if msg.role == "system":
            return {"role": "system", "content": msg.content}
        calls = None
        if msg.tool_calls is not None:
            calls = [{"id": c.id, "name": c.name, "arguments": c.arguments, "requestor": c.requestor}
                     for c in msg.tool_calls]
        return {"role": msg.role, "content": msg.content, "tool_calls": calls}

    # --- scoring ------------------------------------------------------------------------------------------

    def score(self, domain, task, variant, messages, termination, judge_reply, reward_basis=None):
        if reward_basis is not None:
            task = task.model_copy(deep=True)
            task.evaluation_criteria.reward_basis = [self.RewardType(b) for b in reward_basis]
        shown = [self.message_json(x) for x in messages]  # before scoring: nothing may change them
        sim = self.SimulationRun(id="tau2-scoring-reference", task_id=task.id, start_time="", end_time="",
                                 duration=0.0, termination_reason=termination, messages=copy.deepcopy(messages))
        self.judge_requests = []
        self.judge_reply = judge_reply
        reward_info, error = None, None
        try:
            info = self.evaluate_simulation(simulation=sim, task=task, evaluation_type=self.EvaluationType.ALL,
                                            solo_mode=False, domain=domain)
            reward_info = info.model_dump(mode="json")
        except Exception as e:  # noqa: BLE001 - what tau2 raises is part of the reference
            error = {"type": type(e).__name__, "message": str(e)}
        return {"domain": domain, "task_id": task.id, "variant": variant, "reward_basis": reward_basis,
                "termination_reason": termination, "messages": shown,
                "judge_reply": judge_reply if self.judge_requests else None,
                "judge_requests": self.judge_requests, "reward_info": reward_info, "error": error}

    def domain(self, domain: str):
        lines, counts = [], {"trajectories": 0, "reward_1": 0, "raised": 0, "judged": 0}

        def emit(record):
            counts["trajectories"] += 1
            counts["raised"] += record["error"] is not None
            counts["judged"] += bool(record["judge_requests"])
            counts["reward_1"] += bool(record["reward_info"] and record["reward_info"]["reward"] == 1.0)
            lines.append(dumps(record))

        for index, task in enumerate(self.ref.tasks(domain)):
            ec = task.evaluation_criteria
            gold = [{"name": a.name, "arguments": a.arguments, "requestor": a.requestor}
                    for a in ((ec.actions if ec else None) or [])]
            assertions = (ec.nl_assertions if ec else None) or []
            basis = [b.value for b in ec.reward_basis] if ec else []
            met = judge_answer(assertions, "met") if assertions else None

            gold_messages = self.build(domain, task, gold, True, "user")
            emit(self.score(domain, task, "gold", gold_messages, "user_stop", met))
            if gold:
                emit(self.score(domain, task, "without_last_action",
                                self.build(domain, task, gold[:-1], True, "agent"), "agent_stop", met))
                changed = changed_argument(gold)
                if changed is not None:
                    emit(self.score(domain, task, "changed_argument",
                                    self.build(domain, task, changed, True, "user"), "user_stop", met))
            if ec and ec.communicate_info:
                emit(self.score(domain, task, "not_communicated",
                                self.build(domain, task, gold, False, "user"), "user_stop", met))
            emit(self.score(domain, task, "terminated", gold_messages, PREMATURE[index % len(PREMATURE)], met))
            if domain == "mock" and gold:
                # A call to a tool that does not exist: the replay skips it, the action check ignores it.
                calls = [{"name": "no_such_tool", "arguments": {"x": 1}, "requestor": "assistant"}] + gold
                emit(self.score(domain, task, "unknown_tool", self.build(domain, task, calls, True, "user"),
                                "user_stop", met))
            if not assertions:
                continue
            # The judge: where tau2 calls it, the required answers; on mock (whose tasks do not put
            # NL_ASSERTION in their basis) the basis is extended so the judge runs, with every answer kind.
            if "NL_ASSERTION" in basis:
                kinds, override = ["one_not_met", "unparseable"], None
            elif domain == "mock":
                kinds, override = MOCK_JUDGE_KINDS, basis + ["NL_ASSERTION"]
            else:
                continue
            for kind in kinds:
                emit(self.score(domain, task, f"judge_{kind}", gold_messages, "user_stop",
                                judge_answer(assertions, kind), override))
        return lines, counts


def changed_argument(actions: list[dict]):
    """The actions with the first argument of the first action that has one changed (a str gets a suffix, a
    number +1, a bool flipped, a list loses its last item, anything else becomes a str); None if no action
    has arguments."""
    for i, action in enumerate(actions):
        if not action["arguments"]:
            continue
        key = next(iter(action["arguments"]))
        value = action["arguments"][key]
        if isinstance(value, bool):
            new = not value
        elif isinstance(value, (int, float)):
            new = value + 1
        elif isinstance(value, str):
            new = value + "_x"
        elif isinstance(value, list) and value:
            new = value[:-1]
        else:
            new = "x"
        changed = copy.deepcopy(actions)
        changed[i]["arguments"][key] = new
        return changed
    return None


def main():
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tau2-src", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path, help="holds domains/<domain>/")
    parser.add_argument("--out", type=Path, default=repo / "test" / "fixtures" / "tau2")
    parser.add_argument("--domains", default=",".join(DOMAINS))
    args = parser.parse_args()

    scoring = Scoring(Reference(*import_tau2(args.tau2_src, make_data_dir(args.tau2_src, args.data_dir))))
    print(f"{'domain':<8} {'trajectories':>12} {'reward 1':>9} {'raised':>7} {'judged':>7}")
    for domain in args.domains.split(","):
        lines, c = scoring.domain(domain)
        write_lines(args.out / f"{domain}_eval.jsonl", lines)
        print(f"{domain:<8} {c['trajectories']:>12} {c['reward_1']:>9} {c['raised']:>7} {c['judged']:>7}")


if __name__ == "__main__":
    main()
