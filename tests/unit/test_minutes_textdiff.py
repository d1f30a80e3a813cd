"""The textarea <-> Y.Text helpers (static/src/lib/textdiff.js), run with Node and the real Yjs."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import * as Y from "yjs";
import { diffText, shiftIndex, toBase64, fromBase64 } from "./static/src/lib/textdiff.js";
const out = {};
out.same = diffText("abc", "abc");
out.insert = diffText("hello world", "hello big world");
out.remove = diffText("hello big world", "hello world");
out.replace = diffText("un chat", "un chien");
out.emoji = diffText("a😀b", "a😃b");
// Apply random edits through diffText: the Y.Text always ends equal to the textarea value.
const doc = new Y.Doc(); const text = doc.getText("minutes");
let value = ""; let ok = true;
const alphabet = ["a", "é", " ", "\n", "😀", "/action "];
let seed = 7; const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
for (let i = 0; i < 500; i++) {
  const chars = Array.from(value);
  const at = rnd(chars.length + 1), cut = rnd(3);
  chars.splice(at, cut, ...Array.from({ length: rnd(3) }, () => alphabet[rnd(alphabet.length)]));
  value = chars.join("");
  const d = diffText(text.toString(), value);
  if (d) doc.transact(() => { if (d.remove) text.delete(d.index, d.remove); if (d.insert) text.insert(d.index, d.insert); });
  ok = ok && text.toString() === value;
}
out.random = ok;
// Caret shifting over a remote delta.
out.before = shiftIndex(5, [{ insert: "XYZ" }]);
out.at = shiftIndex(5, [{ retain: 5 }, { insert: "XYZ" }]);
out.after = shiftIndex(5, [{ retain: 7 }, { insert: "XYZ" }]);
out.deleteSpanning = shiftIndex(5, [{ retain: 3 }, { delete: 4 }]);
out.deleteBefore = shiftIndex(5, [{ delete: 2 }, { retain: 1 }, { insert: "Q" }]);
out.b64 = Array.from(fromBase64(toBase64(new Uint8Array([0, 1, 254, 255]))));
console.log(JSON.stringify(out));
"""


def test_textdiff_helpers(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    script = ROOT / f".textdiff-test-{tmp_path.name}.mjs"
    script.write_text(SCRIPT)
    try:
        result = subprocess.run([node, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        script.unlink()
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["same"] is None
    assert out["insert"] == {"index": 6, "remove": 0, "insert": "big "}
    assert out["remove"] == {"index": 6, "remove": 4, "insert": ""}
    assert out["replace"] == {"index": 5, "remove": 2, "insert": "ien"}
    assert out["emoji"] == {"index": 1, "remove": 2, "insert": "😃"}  # never half a surrogate pair
    assert out["random"] is True
    assert (out["before"], out["at"], out["after"]) == (8, 5, 5)
    assert (out["deleteSpanning"], out["deleteBefore"]) == (3, 4)
    assert out["b64"] == [0, 1, 254, 255]
