#!/usr/bin/env python3
"""Cross-checks emitter rows against real tools (binutils objdump, llvm-mc).

Input: the file written by `X64_EMIT_DUMP=<file> emit_test`, one row per line:
"<hex bytes>\t<our assembly text>". For every row:
  1. objdump disassembles the bytes; it must decode them as ONE instruction
     whose text equals ours after normalization (case, spacing, objdump's
     unsigned immediates, "+0x0]" displacements, absolute branch targets);
  2. llvm-mc assembles our text; if its bytes differ from ours, both
     disassemble to the same text (another valid encoding, e.g. 01 /r vs 03 /r)
     or the row is reported.
Label L0 / symbols stand for "right after the instruction" (displacement 0).
Exit status 1 if any row fails.
"""
import re
import subprocess
import sys
import tempfile


def objdump(code: bytes):
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        out = subprocess.run(
            ["objdump", "-D", "-b", "binary", "-mi386:x86-64", "-M", "intel", f.name],
            check=True, capture_output=True, text=True).stdout
    insts = []
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\t([0-9a-f ]+)\t?(.*)$", line)
        if m:
            if m.group(3).strip():
                insts.append(m.group(3))
            elif insts:  # continuation line of a long instruction
                pass
    return insts


def normalize_objdump(text: str) -> str:
    text = text.split("#")[0].strip().lower()
    text = re.sub(r"\s+", " ", text)
    text = text.replace("+0x0]", "]")
    return text


def normalize_ours(text: str, length: int) -> str:
    t = text.lower()
    target = hex(length)
    t = t.replace("[rip+l0]", "[rip+0x0]")
    t = re.sub(r"\b(l0|sym\d+)\b", target, t)
    t = t.replace(", ", ",").replace("+0x0]", "]")
    return t


def imm_equal(ours: str, theirs: str) -> bool:
    """Compares texts, letting objdump's unsigned immediates match our signed ones."""
    to, tt = re.split(r"(-?0x[0-9a-f]+)", ours), re.split(r"(-?0x[0-9a-f]+)", theirs)
    if len(to) != len(tt):
        return False
    for a, b in zip(to, tt):
        if a == b:
            continue
        if not (re.fullmatch(r"-?0x[0-9a-f]+", a) and re.fullmatch(r"-?0x[0-9a-f]+", b)):
            return False
        va, vb = int(a, 16), int(b, 16)
        if vb < 0:  # displacements are signed in both
            if va != vb:
                return False
            continue
        mask = next(m for m in (0xff, 0xffff, 0xffffffff, (1 << 64) - 1) if vb <= m)
        if va & mask != vb:
            return False
    return True


def same_meaning(a: str, b: str) -> bool:
    """Equal up to the encodings llvm-mc prefers: xchg is symmetric, and a shift
    by 1 (D1 /n) prints as ",1" where C1 /n ib prints ",0x1"."""
    def canon(t):
        t = re.sub(r",1$", ",0x1", t)
        m = re.fullmatch(r"xchg (\S+),(\S+)", t)
        return "xchg " + ",".join(sorted(m.groups())) if m else t
    return canon(a) == canon(b)


def llvm_mc(text: str):
    # llvm-mc resolves labels itself; skip rows with labels/symbols.
    if re.search(r"\b(L0|sym\d+)\b", text):
        return None
    asm = ".intel_syntax noprefix\n" + text + "\n"
    r = subprocess.run(["llvm-mc-14", "--show-encoding", "-x86-asm-syntax=intel"],
                       input=asm, capture_output=True, text=True)
    if r.returncode != 0:
        return "error: " + r.stderr.strip().splitlines()[0]
    m = re.search(r"encoding: \[([^\]]*)\]", r.stdout)
    if not m:
        return "error: no encoding"
    return " ".join(b.strip()[2:] for b in m.group(1).split(","))


def main():
    failures = 0
    rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
    llvm_diff = 0
    for hexs, text in rows:
        if not re.fullmatch(r"[0-9a-f]{2}( [0-9a-f]{2})*", hexs):
            print(f"FAIL does not assemble: {text}: {hexs}")
            failures += 1
            continue
        code = bytes.fromhex(hexs.replace(" ", ""))
        insts = objdump(code)
        if len(insts) != 1:
            print(f"FAIL objdump decodes {len(insts)} instructions: {hexs} | {text} | {insts}")
            failures += 1
            continue
        theirs = normalize_objdump(insts[0])
        ours = normalize_ours(text, len(code))
        if not imm_equal(ours, theirs):
            print(f"FAIL objdump: {hexs} | ours: {text} | objdump: {insts[0].strip()}")
            failures += 1
            continue
        mc = llvm_mc(text)
        if mc is None:
            continue
        if mc.startswith("error"):
            print(f"FAIL llvm-mc rejects: {text}: {mc}")
            failures += 1
        elif mc != hexs:
            # A different valid encoding is fine if it means the same thing.
            other = objdump(bytes.fromhex(mc.replace(" ", "")))
            if len(other) == 1 and same_meaning(normalize_objdump(other[0]), theirs):
                llvm_diff += 1
                print(f"note: llvm-mc picks another encoding: {text}: ours {hexs}, llvm-mc {mc}")
            else:
                print(f"FAIL llvm-mc: {text}: ours {hexs}, llvm-mc {mc} ({other})")
                failures += 1
    print(f"{len(rows)} rows, {failures} failures, {llvm_diff} alternative encodings")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
