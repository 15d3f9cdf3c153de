"""Audits the installed Python dependencies for known vulnerabilities with pip-audit (`make audit`).

Exit status: 1 when any installed package has a known vulnerability (each is listed with its fix versions);
2 when pip-audit itself fails; 0 otherwise. Packages the vulnerability service could not be asked about
(no network to it, or a package it does not know) are counted and named, never passed over in silence;
`--strict` makes them fail the run too (exit 3), for machines that reach the service.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path


def audit(strict: bool) -> int:
    pip_audit = Path(sys.executable).parent / "pip-audit"
    run = subprocess.run(  # noqa: S603 -- the venv's own pip-audit, fixed arguments
        [str(pip_audit), "--format", "json", "--progress-spinner", "off", "--skip-editable"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit failed (exit {run.returncode}):\n{run.stderr.strip()}", file=sys.stderr)
        return 2
    dependencies = report.get("dependencies", [])
    unaudited = [dep for dep in dependencies if dep.get("skip_reason")]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    audited = len(dependencies) - len(unaudited)
    print(f"pip-audit: {audited} of {len(dependencies)} installed packages audited.")
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"  VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    if unaudited:
        names = ", ".join(dep["name"] for dep in unaudited[:12]) + (" …" if len(unaudited) > 12 else "")
        print(
            f"  NOT AUDITED: {len(unaudited)} packages: the vulnerability service did not answer for them "
            f"({unaudited[0]['skip_reason']}). Run `make audit` where the service is reachable. [{names}]"
        )
    if vulnerable:
        return 1
    if unaudited and strict:
        return 3
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="fail (exit 3) when any package went unaudited")
    sys.exit(audit(parser.parse_args().strict))


if __name__ == "__main__":
    main()
