#!/usr/bin/env python3
"""Reference goldens for `tau2-trace tasks check`, produced by tau2-bench's OWN Python code.

Nothing here re-implements tau2: every task is set up by tau2's `Orchestrator.initialize()` (built with
`tau2.runner.build.build_text_orchestrator`, as `tau2 run` does), every call goes through tau2's
`Environment.get_response`, hashes come from `Environment.get_db_hash` / `get_user_db_hash`, schemas from
`Tool.openai_schema` and prompts from the agent's and user simulator's own `system_prompt`.

usage: tau2_reference.py --tau2-src <tau2-bench checkout> --data-dir <dir with domains/<domain>/>
                         [--out test/fixtures/tau2] [--domains mock,retail,airline,telecom]

The checkout needs src/tau2 and data/tau2/user_simulator/ (the user simulator's guidelines); the domain data
is read from --data-dir only. Writes into --out:
  <domain>_check.jsonl    every task, its expected actions (evaluation_criteria.actions) replayed
  <domain>_wrong.jsonl    the sequences of <out>/wrong-actions.json (hand-written input) for that domain
  <domain>_schemas.json   the tool schemas tau2 sends to the model
  <domain>_prompts.json   the agent's system prompt and the user simulator's for every task
  <domain>_extra.jsonl    the sequences of <out>/<domain>-extra-actions.json (hand-written input), if any
  <domain>_probes.jsonl   the sequences of <out>/<domain>-probes.json (hand-written edge cases of one domain,
                          generated ones included), if any; both in the format of wrong-actions.json
  calculate.jsonl         with retail: each value of <out>/calculate-cases.json (hand-written input) sent to
                          retail's calculate tool
and prints a summary per domain (tasks, calls, errors, set-up failures).
"""
import argparse
import atexit
import copy
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

DOMAINS = ["mock", "retail", "airline", "telecom"]


def dumps(obj) -> str:
    """One JSONL line: compact separators and raw UTF-8, as JSON.stringify writes them (floats as Python
    prints them: 2.0 stays 2.0)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def make_data_dir(tau2_src: Path, data_dir: Path) -> Path:
    """tau2 reads everything from $TAU2_DATA_DIR/tau2/...: domains from --data-dir, the user simulator's
    guidelines from the checkout."""
    root = Path(tempfile.mkdtemp(prefix="tau2-data-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)  # symlinks only: their targets stay
    (root / "tau2" / "domains").mkdir(parents=True)
    for domain in DOMAINS:
        (root / "tau2" / "domains" / domain).symlink_to((data_dir / "domains" / domain).resolve())
    guidelines = tau2_src / "data" / "tau2" / "user_simulator"
    if not guidelines.is_dir():
        sys.exit(f"{guidelines} missing: the user simulator's guidelines come from the tau2 checkout")
    (root / "tau2" / "user_simulator").symlink_to(guidelines.resolve())
    return root


def import_tau2(tau2_src: Path, data_root: Path):
    """Import tau2 from the checkout, pointed at data_root, quietly and without network at import."""
    os.environ["TAU2_DATA_DIR"] = str(data_root)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LOGURU_LEVEL", "ERROR")
    sys.path.insert(0, str(tau2_src / "src"))
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr, level="ERROR")
    import tau2.runner.build as build
    from tau2.data_model.message import ToolCall
    from tau2.data_model.simulation import TextRunConfig
    from tau2.registry import registry

    return build, ToolCall, TextRunConfig, registry


class Reference:
    def __init__(self, build, ToolCall, TextRunConfig, registry):
        self.build = build
        self.ToolCall = ToolCall
        self.TextRunConfig = TextRunConfig
        self.registry = registry

    def tasks(self, domain: str):
        # None: every task of tasks.json (the default split "base" is all of them for retail/airline; the
        # shared telecom data has no split file, its tasks.json is the 114 "base" tasks).
        return self.registry.get_tasks_loader(domain)(None)

    def orchestrator(self, domain: str, task):
        """The orchestrator `tau2 run` builds for a text run with the default config (LLM names are only
        stored; nothing here calls a model), initialised: environment set-up and agent/user states."""
        config = self.TextRunConfig(domain=domain)
        orch = self.build.build_text_orchestrator(config, task, simulation_id="tau2-reference")
        orch.initialize()
        return orch

    def replay(self, domain: str, task, seq: int, actions: list[dict], out: list[str], counts: dict):
        """Set the task up, send each action through Environment.get_response, append the dump lines."""
        counts["tasks"] += 1
        try:
            env = self.orchestrator(domain, task).environment
        except Exception as e:  # noqa: BLE001 - a set-up failure is a result to record
            counts["setup_failures"] += 1
            # Not tau2's: this script's convention (no task of the shared data fails its set-up). The sequence
            # is skipped; its final line has no hashes.
            out.append(dumps({"type": "setup_error", "domain": domain, "task_id": task.id, "seq": seq,
                              "error": f"{type(e).__name__}: {e}"}))
            out.append(dumps({"type": "final", "domain": domain, "task_id": task.id, "seq": seq,
                              "db_hash": None, "user_db_hash": None}))
            return
        for index, action in enumerate(actions):
            shown = copy.deepcopy(action["arguments"])  # as sent: a tool may mutate what it is given
            call = self.ToolCall(id=f"call_{index}", name=action["name"], arguments=action["arguments"],
                                 requestor=action["requestor"])
            message = env.get_response(call)
            counts["calls"] += 1
            counts["errors"] += int(message.error)
            out.append(dumps({"type": "call", "domain": domain, "task_id": task.id, "seq": seq, "index": index,
                              "requestor": action["requestor"], "name": action["name"], "arguments": shown,
                              "output": message.content, "error": message.error}))
        out.append(dumps({"type": "final", "domain": domain, "task_id": task.id, "seq": seq,
                          "db_hash": env.get_db_hash(), "user_db_hash": env.get_user_db_hash()}))

    def check(self, domain: str):
        out, counts = [], new_counts()
        for task in self.tasks(domain):
            expected = (task.evaluation_criteria.actions if task.evaluation_criteria else None) or []
            actions = [{"name": a.name, "arguments": a.arguments, "requestor": a.requestor} for a in expected]
            self.replay(domain, task, 0, actions, out, counts)
        return out, counts

    def wrong(self, domain: str, sequences: list[dict]):
        tasks = {t.id: t for t in self.tasks(domain)}
        out, counts = [], new_counts()
        for seq, sequence in enumerate(sequences):
            if sequence["domain"] != domain:
                continue
            self.replay(domain, tasks[sequence["task_id"]], seq, sequence["actions"], out, counts)
        return out, counts

    def schemas(self, domain: str) -> dict:
        """What generate() sends as `tools`: [tool.openai_schema for tool in tools], in the agent's order,
        and the user simulator's, for the environment and tool lists the runner builds."""
        task = self.tasks(domain)[0]
        orch = self.orchestrator(domain, task)
        return {
            "agent": [tool.openai_schema for tool in orch.agent.tools],
            "user": [tool.openai_schema for tool in orch.user.tools] if orch.user.tools else None,
        }

    def prompts(self, domain: str) -> dict:
        """System messages exactly as the initialised agent and user states hold them: the agent's (the same
        for every task) and the user simulator's for every task."""
        agent_prompt = None
        users = []
        for task in self.tasks(domain):
            orch = self.orchestrator(domain, task)
            prompt = orch.agent_state.system_messages[0].content
            assert agent_prompt in (None, prompt), "the agent's system prompt depends on the task"
            agent_prompt = prompt
            users.append({
                "task_id": task.id,
                "user_tools": [t.name for t in orch.user.tools] if orch.user.tools else None,
                "system_prompt": orch.user_state.system_messages[0].content,
            })
        return {"agent_system_prompt": agent_prompt, "user_system_prompts": users}


    def calculate(self, cases: list) -> list[str]:
        """Each case as the `expression` argument of retail's calculate tool, through get_response on a
        set-up task (calculate reads no state): the text the model sees, and the error flag."""
        env = self.orchestrator("retail", self.tasks("retail")[0]).environment
        out = []
        for index, expression in enumerate(cases):
            call = self.ToolCall(id=f"call_{index}", name="calculate", arguments={"expression": expression},
                                 requestor="assistant")
            message = env.get_response(call)
            out.append(dumps({"expression": expression, "output": message.content, "error": message.error}))
        return out


def new_counts() -> dict:
    return {"tasks": 0, "calls": 0, "errors": 0, "setup_failures": 0}


def write_lines(path: Path, lines: list[str]):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def write_json(path: Path, obj):
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main():
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tau2-src", required=True, type=Path)
    parser.add_argument("--data-dir", required=True, type=Path, help="holds domains/<domain>/")
    parser.add_argument("--out", type=Path, default=repo / "test" / "fixtures" / "tau2")
    parser.add_argument("--domains", default=",".join(DOMAINS))
    args = parser.parse_args()

    ref = Reference(*import_tau2(args.tau2_src, make_data_dir(args.tau2_src, args.data_dir)))
    wrong_path = args.out / "wrong-actions.json"
    sequences = json.loads(wrong_path.read_text(encoding="utf-8")) if wrong_path.exists() else []

    print(f"{'domain':<8} {'set':<6} {'tasks':>6} {'calls':>6} {'errors':>6} {'setup_failures':>15}")
    for domain in args.domains.split(","):
        for name, (lines, counts) in (("check", ref.check(domain)), ("wrong", ref.wrong(domain, sequences))):
            if name == "wrong" and counts["tasks"] == 0:
                continue
            write_lines(args.out / f"{domain}_{name}.jsonl", lines)
            print(f"{domain:<8} {name:<6} {counts['tasks']:>6} {counts['calls']:>6} {counts['errors']:>6} "
                  f"{counts['setup_failures']:>15}")
        # Extra hand-written sequences of one domain (retail's extra actions, airline's probes), replayed as
        # the wrong sequences are: kept in their own files so wrong-actions.json and its seq numbers stay.
        for source, name in (("extra-actions", "extra"), ("probes", "probes")):
            extra_path = args.out / f"{domain}-{source}.json"
            if not extra_path.exists():
                continue
            lines, counts = ref.wrong(domain, json.loads(extra_path.read_text(encoding="utf-8")))
            write_lines(args.out / f"{domain}_{name}.jsonl", lines)
            print(f"{domain:<8} {name:<6} {counts['tasks']:>6} {counts['calls']:>6} {counts['errors']:>6} "
                      f"{counts['setup_failures']:>15}")
        write_json(args.out / f"{domain}_schemas.json", ref.schemas(domain))
        write_json(args.out / f"{domain}_prompts.json", ref.prompts(domain))
        cases_path = args.out / "calculate-cases.json"
        if domain == "retail" and cases_path.exists():
            cases = json.loads(cases_path.read_text(encoding="utf-8"))
            write_lines(args.out / "calculate.jsonl", ref.calculate(cases))
            print(f"calculate: {len(cases)} cases")


if __name__ == "__main__":
    main()
