"""The minutes editor's pure helpers (static/src/lib/minutes_complete.js, minutes_history.js), run with Node
on the real CodeMirror and jsdiff packages: register completions and the history's line diff."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import { EditorState } from "@codemirror/state";
import { CompletionContext } from "@codemirror/autocomplete";
import { ownerHandle, registerSource } from "./static/src/lib/minutes_complete.js";
import { diffRows } from "./static/src/lib/minutes_history.js";
const people = () => ["Bérénice Durand", "Jean-Marc  O'Neil", "Zoé"];
const source = registerSource(people);
const at = (doc) => {
  const r = source(new CompletionContext(EditorState.create({ doc }), doc.length, false));
  return r && { from: r.from, labels: r.options.map((o) => o.label), applies: r.options.map((o) => typeof o.apply === "string" ? o.apply : null) };
};
const out = {
  handles: ["Bérénice Durand", "Jean-Marc  O'Neil", " .Zoé. ", "<b>x</b>"].map(ownerHandle),
  slash: at("Notes\n/"),
  slashDec: at("- /dec"),
  slashNone: at("texte /"),
  owner: at("/action Réserver @bere"),
  ownerAll: at("> /action Réserver @"),
  ownerNotAction: at("Écrire à @bere"),
  due: at("/action Réserver due:"),
  echeance: at("/action Réserver échéance: 20"),
  rows: diffRows(
    "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n",
    "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\n",
  ),
  same: diffRows("x\ny\n", "x\ny\n"),
};
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@codemirror" / "autocomplete").is_dir():
        pytest.fail("Node and the npm packages are required: `make setup` installs them.")
    script = ROOT / f".minutes-helpers-{tmp_path_factory.mktemp('node').name}.mjs"
    script.write_text(SCRIPT)
    try:
        run = subprocess.run([node, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        script.unlink()
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_owner_handles_are_what_the_register_reads_after_the_at_sign(result):
    assert result["handles"] == ["Bérénice_Durand", "Jean-Marc_ONeil", "Zoé", "bxb"]


def test_commands_are_offered_at_the_start_of_a_line_only(result):
    assert result["slash"]["labels"] == ["/décision", "/action"] and result["slash"]["from"] == len("Notes\n")
    assert result["slashDec"]["labels"] == ["/décision"]  # accents do not matter
    assert result["slashDec"]["from"] == len("- ")
    assert result["slashNone"] is None


def test_people_are_offered_after_an_at_sign_on_action_lines(result):
    assert result["owner"]["labels"] == ["@Bérénice_Durand"]
    assert result["owner"]["from"] == len("/action Réserver ")
    assert result["owner"]["applies"] == ["@Bérénice_Durand "]
    assert result["ownerAll"]["labels"] == ["@Bérénice_Durand", "@Jean-Marc_ONeil", "@Zoé"]
    assert result["ownerNotAction"] is None


def test_dates_are_offered_after_due_with_a_calendar(result):
    labels = result["due"]["labels"]
    assert len(labels) == 7 and labels[-1] == "Choisir dans le calendrier…"
    assert all(len(label) == 10 and label[4] == "-" and label[7] == "-" for label in labels[:-1])
    assert result["due"]["applies"][-1] is None  # opens the calendar panel
    assert result["echeance"]["from"] == len("/action Réserver échéance: ")


def test_history_diff_marks_changed_lines_and_folds_long_unchanged_runs(result):
    rows = [(r["kind"], r["text"]) for r in result["rows"]]
    assert ("del", "e") in rows and ("add", "E") in rows
    assert rows[0] == ("skip", "… 2 lignes identiques …")
    assert rows[1:3] == [("same", "c"), ("same", "d")]
    assert rows[-1] == ("skip", "… 3 lignes identiques …")
    assert result["same"] == [{"kind": "skip", "text": "… 2 lignes identiques …"}]
