#!/usr/bin/env python3
"""Reads nextest's JUnit report and prints, as Markdown, the time of each test binary
(the sum of its tests' times; two tests run at once, so the sums add up to more than the
phase took) and the ten slowest tests. With --counts it prints only "PASSED FAILED"."""

import sys
import xml.etree.ElementTree as ET


def main() -> None:
    args = sys.argv[1:]
    counts = "--counts" in args
    path = next(a for a in args if not a.startswith("--"))
    root = ET.parse(path).getroot()
    binaries = []
    tests = []
    passed = failed = 0
    for suite in root.iter("testsuite"):
        total = 0.0
        n = 0
        for case in suite.iter("testcase"):
            secs = float(case.get("time", "0"))
            total += secs
            n += 1
            bad = case.find("failure") is not None or case.find("error") is not None
            if case.find("skipped") is not None:
                continue
            if bad:
                failed += 1
            else:
                passed += 1
            tests.append((secs, f"{suite.get('name')} {case.get('name')}", bad))
        binaries.append((total, suite.get("name"), n))
    if counts:
        print(passed, failed)
        return
    print("| test binary | tests | seconds (sum of its tests) |")
    print("| --- | ---: | ---: |")
    for total, name, n in sorted(binaries, reverse=True):
        print(f"| {name} | {n} | {total:.1f} |")
    print()
    print("| the ten slowest tests | seconds |")
    print("| --- | ---: |")
    for secs, name, bad in sorted(tests, reverse=True)[:10]:
        print(f"| {name}{' (failed)' if bad else ''} | {secs:.1f} |")
    print()


if __name__ == "__main__":
    main()
