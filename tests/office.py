"""LibreOffice as a reader of our ODT exports: it must open them and convert them to PDF."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def to_pdf(odt: bytes, folder: Path, name: str) -> bytes:
    """`odt` converted by LibreOffice (headless) in `folder`, as `name`.pdf's bytes; fails the test if it
    cannot. Without LibreOffice: fails in CI (make system installs it), skips elsewhere."""
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required (make system installs libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed")
    source = folder / f"{name}.odt"
    source.write_bytes(odt)
    result = subprocess.run(
        [binary, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        capture_output=True,
        env={**os.environ, "HOME": str(folder)},
        timeout=180,
        check=False,
    )
    pdf = folder / f"{name}.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr.decode(errors="replace")
    return pdf.read_bytes()
