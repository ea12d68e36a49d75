#!/usr/bin/env python3
"""Differential tests for the baseline tier: random, always-terminating wasm
functions whose expected results come from wabt's reference interpreter.

  python3 runtime/baseline/testdata/gen_random_wast.py [--seed N] [-o FILE]

writes runtime/baseline/testdata/random_programs.wast (by default). It needs
wast2json and spectest-interp (Debian's wabt package) on PATH: each module is
first run through spectest-interp with probe exports (every function wrapped
so that its float results come back as integer bits), the printed results
become assert_return / assert_trap commands, and the finished file is checked
with spectest-interp again.

Determinism: NaN bit patterns are not (the spec lets an operation return any
canonical / arithmetic NaN), so every place where a NaN's bits could reach a
non-NaN value (reinterpretations, float stores and loads, copysign's sign
operand) goes through a "sanitiser" (select (x, Q, x == x)) that replaces a
NaN with a fixed constant, and all NaN inputs are quiet. A NaN result is then
asserted as nan:arithmetic.

Termination: function k calls only functions < k (directly, or through the
table at an index < k), and every loop counts down an i32 counter local (that
nothing else writes) from a small constant. An estimate of each function's
dynamic cost keeps the call graph from blowing up.
"""

import argparse
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

T_INT = ('i32', 'i64')
T_FLT = ('f32', 'f64')
TYPES = T_INT + T_FLT

N_MODULES = 8
FUNCS_PER_MODULE = 25
COST_BUDGET = 4000  # dynamic instructions per call, roughly
SIZE_BUDGET = 260   # static instructions per function, roughly

# ----------------------------------------------------------------------------
# Values (as bit patterns)

def f32_bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def f64_bits(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def is_nan(t, bits):
    if t == 'f32':
        return (bits & 0x7f800000) == 0x7f800000 and (bits & 0x7fffff) != 0
    if t == 'f64':
        return (bits & 0x7ff0000000000000) == 0x7ff0000000000000 and (bits & 0xfffffffffffff) != 0
    return False


def fmt_value(t, bits):
    """Exact WAT text of a value given its bits."""
    if t == 'i32':
        v = bits & 0xffffffff
        return str(v - (1 << 32) if v >= 1 << 31 else v)
    if t == 'i64':
        v = bits & 0xffffffffffffffff
        return str(v - (1 << 64) if v >= 1 << 63 else v)
    if t == 'f32':
        sign = '-' if bits >> 31 else ''
        if (bits & 0x7f800000) == 0x7f800000:
            m = bits & 0x7fffff
            return sign + ('inf' if m == 0 else 'nan:0x%x' % m)
        return struct.unpack('<f', struct.pack('<I', bits))[0].hex()
    sign = '-' if bits >> 63 else ''
    if (bits & 0x7ff0000000000000) == 0x7ff0000000000000:
        m = bits & 0xfffffffffffff
        return sign + ('inf' if m == 0 else 'nan:0x%x' % m)
    return struct.unpack('<d', struct.pack('<Q', bits))[0].hex()


# Edge values, as bits. NaNs are quiet only (see the module docstring).
EDGE = {
    'i32': [0, 1, 2, 0xffffffff, 0x80000000, 0x7fffffff, 31, 32, 33, 63, 64,
            0xfffffffe, 0x80000001, 0xffff, 0x10000, 0xfff8, 7],
    'i64': [0, 1, 2, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff,
            63, 64, 65, 31, 32, 0x80000000, 0xffffffff, 0x100000000,
            0xfffffffffffffffe, 0xfff8],
    'f32': [f32_bits(x) for x in (0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5,
                                  3.5, float('inf'), float('-inf'), 2147483648.0,
                                  -2147483648.0, -2147483904.0, 4294967296.0,
                                  9.223372036854775807e18, 1e10, -1e-10)]
           + [0x7fc00000, 0xffc00000, 0x7fc00001, 0x00000001, 0x80000001, 0x7f7fffff],
    'f64': [f64_bits(x) for x in (0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5,
                                  4.5, float('inf'), float('-inf'), 2147483648.0,
                                  2147483647.9, -2147483648.9, -2147483649.0,
                                  4294967296.0, 9.223372036854775807e18,
                                  -9.223372036854777e18, 1.8446744073709552e19, 1e300,
                                  -1e-300)]
           + [0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001,
              0x0000000000000001, 0x8000000000000001],
}


def rand_bits(rng, t):
    if rng.random() < 0.6:
        return rng.choice(EDGE[t])
    if t == 'i32':
        return rng.choice([rng.getrandbits(32), rng.randrange(-100, 100) & 0xffffffff])
    if t == 'i64':
        return rng.choice([rng.getrandbits(64), rng.randrange(-100, 100) & 0xffffffffffffffff,
                           rng.getrandbits(33)])
    if t == 'f32':
        x = rng.choice([rng.uniform(-100, 100), rng.uniform(-1e9, 1e9), float(rng.randrange(-50, 50)),
                        rng.randrange(-8, 8) + 0.5])
        return f32_bits(x)
    x = rng.choice([rng.uniform(-100, 100), rng.uniform(-1e18, 1e18), float(rng.randrange(-50, 50)),
                    rng.randrange(-8, 8) + 0.5])
    return f64_bits(x)


# ----------------------------------------------------------------------------
# Operators

UNOPS = {
    'i32': ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s'],
    'i64': ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'],
    'f32': ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'],
    'f64': ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'],
}
INT_BIN_SAFE = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr']
INT_BIN_TRAP = ['div_s', 'div_u', 'rem_s', 'rem_u']
FLT_BIN = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign']
INT_CMP = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u']
FLT_CMP = ['eq', 'ne', 'lt', 'gt', 'le', 'ge']

LOADS = {
    'i32': [('i32.load', 4), ('i32.load8_s', 1), ('i32.load8_u', 1), ('i32.load16_s', 2),
            ('i32.load16_u', 2)],
    'i64': [('i64.load', 8), ('i64.load8_s', 1), ('i64.load8_u', 1), ('i64.load16_s', 2),
            ('i64.load16_u', 2), ('i64.load32_s', 4), ('i64.load32_u', 4)],
    'f32': [('f32.load', 4)],
    'f64': [('f64.load', 8)],
}
STORES = {
    'i32': [('i32.store', 4), ('i32.store8', 1), ('i32.store16', 2)],
    'i64': [('i64.store', 8), ('i64.store8', 1), ('i64.store16', 2), ('i64.store32', 4)],
    'f32': [('f32.store', 4)],
    'f64': [('f64.store', 8)],
}

SANITISE_Q = {'f32': f32_bits(-1.75), 'f64': f64_bits(1.0e-5)}


def blocktype(params, results):
    s = ''
    if params:
        s += ' (param %s)' % ' '.join(params)
    if results:
        s += ' (result %s)' % ' '.join(results)
    return s


class Label:
    def __init__(self, name, types, kind):
        self.name = name
        self.types = list(types)
        self.kind = kind  # 'func', 'block', 'if', 'loop'


# ----------------------------------------------------------------------------
# One function

class FuncGen:
    def __init__(self, mod, k, rng):
        self.mod = mod
        self.k = k
        self.rng = rng
        self.params, self.results = mod.sigs[k]
        self.locals = list(self.params)
        self.decl = []
        self.protected = set()  # loop counters and sanitiser scratch locals
        self.lines = []
        self.ind = 2
        self.labels = [Label(None, self.results, 'func')]
        self.mult = 1
        self.cost = 0
        self.size = 0
        self.nlabel = 0
        self.scratch = {}
        for _ in range(rng.randrange(3, 14)):
            self.new_local(rng.choice(TYPES))

    # -- helpers
    def new_local(self, t):
        self.locals.append(t)
        self.decl.append(t)
        return len(self.locals) - 1

    def emit(self, s):
        self.lines.append('  ' * self.ind + s)
        self.cost += self.mult
        self.size += 1

    def over(self):
        return self.size > SIZE_BUDGET or self.cost > COST_BUDGET

    def label_name(self):
        self.nlabel += 1
        return '$L%d' % self.nlabel

    def target(self, lab):
        if lab.name:
            return lab.name
        return str(len(self.labels) - 1 - self.labels.index(lab))

    def branch_targets(self):
        return [l for l in self.labels if l.kind != 'loop']

    def writable(self, t):
        return [i for i, lt in enumerate(self.locals) if lt == t and i not in self.protected]

    def scratch_local(self, t):
        if t not in self.scratch:
            self.scratch[t] = self.new_local(t)
            self.protected.add(self.scratch[t])
        return self.scratch[t]

    def sanitise(self, t):
        """Top of stack (float t): a NaN becomes a fixed constant."""
        s = self.scratch_local(t)
        self.emit('local.tee %d' % s)
        self.emit('%s.const %s' % (t, fmt_value(t, SANITISE_Q[t])))
        self.emit('local.get %d' % s)
        self.emit('local.get %d' % s)
        self.emit('%s.eq' % t)
        self.emit(self.rng.choice(['select', 'select (result %s)' % t]))

    def const(self, t):
        self.emit('%s.const %s' % (t, fmt_value(t, rand_bits(self.rng, t))))

    # -- conversions: top of stack from a to b
    def convert(self, a, b):
        r = self.rng
        if a == b:
            if r.random() < 0.3:
                self.emit('%s.%s' % (a, r.choice(UNOPS[a])))
            return
        if a == 'i32' and b == 'i64':
            self.emit(r.choice(['i64.extend_i32_s', 'i64.extend_i32_u']))
        elif a == 'i64' and b == 'i32':
            self.emit(r.choice(['i32.wrap_i64', 'i64.eqz']))
        elif a in T_INT and b in T_FLT:
            if r.random() < 0.25 and a[1:] == b[1:]:
                self.emit('%s.reinterpret_%s' % (b, a))
                self.sanitise(b)
            else:
                self.emit('%s.convert_%s_%s' % (b, a, r.choice('su')))
        elif a in T_FLT and b in T_INT:
            x = r.random()
            if x < 0.25 and a[1:] == b[1:]:
                self.sanitise(a)
                self.emit('%s.reinterpret_%s' % (b, a))
            elif x < 0.29:
                self.emit('%s.trunc_%s_%s' % (b, a, r.choice('su')))  # may trap
            else:
                self.emit('%s.trunc_sat_%s_%s' % (b, a, r.choice('su')))
        elif a == 'f32' and b == 'f64':
            self.emit('f64.promote_f32')
        elif a == 'f64' and b == 'f32':
            self.emit('f32.demote_f64')

    def binop(self, t, safe=False):
        r = self.rng
        if t in T_INT:
            if not safe and r.random() < 0.06:
                op = r.choice(INT_BIN_TRAP)
                if r.random() < 0.7:  # mostly a divisor that is not 0
                    self.emit('%s.const 1' % t)
                    self.emit('%s.or' % t)
            else:
                op = r.choice(INT_BIN_SAFE)
        else:
            op = r.choice(FLT_BIN)
            if op == 'copysign':
                self.sanitise(t)
        self.emit('%s.%s' % (t, op))

    def reduce(self, types, t, safe=True):
        """The values `types` on the stack -> one value of type t."""
        types = list(types)
        if not types:
            self.expr(t, 1)
            return
        while len(types) > 1:
            top = types.pop()
            below = types[-1]
            self.convert(top, below)
            self.binop(below, safe=safe)
        self.convert(types[0], t)

    # -- expressions
    def leaf(self, t):
        r = self.rng
        x = r.random()
        cands = [i for i, lt in enumerate(self.locals) if lt == t]
        if x < 0.45 and cands:
            self.emit('local.get %d' % r.choice(cands))
        elif x < 0.55:
            self.emit('global.get %s' % r.choice(self.mod.globals_of(t)))
        else:
            self.const(t)

    def cond(self, d):
        r = self.rng
        x = r.random()
        if x < 0.55:
            t = r.choice(TYPES)
            self.expr(t, d - 1)
            self.expr(t, d - 1)
            self.emit('%s.%s' % (t, r.choice(INT_CMP if t in T_INT else FLT_CMP)))
        elif x < 0.65:
            t = r.choice(T_INT)
            self.expr(t, d - 1)
            self.emit('%s.eqz' % t)
        else:
            self.expr('i32', d - 1)

    def expr(self, t, d):
        r = self.rng
        if d <= 0 or self.over():
            self.leaf(t)
            return
        kinds = [('leaf', 3), ('unop', 4), ('binop', 10), ('convert', 4), ('load', 3),
                 ('tee', 2), ('select', 3), ('block', 3), ('if', 3), ('loop', 1.5),
                 ('call', 4), ('pressure', 1.5)]
        if t == 'i32':
            kinds += [('cmp', 5), ('memsize', 0.5)]
        kind = r.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        getattr(self, 'x_' + kind)(t, d)

    def x_leaf(self, t, d):
        self.leaf(t)

    def x_unop(self, t, d):
        self.expr(t, d - 1)
        self.emit('%s.%s' % (t, self.rng.choice(UNOPS[t])))

    def x_binop(self, t, d):
        self.expr(t, d - 1)
        if self.rng.random() < 0.3:
            self.leaf(t)
        else:
            self.expr(t, d - 1)
        self.binop(t)

    def x_cmp(self, t, d):
        self.cond(d)

    def x_convert(self, t, d):
        a = self.rng.choice(TYPES)
        self.expr(a, d - 1)
        self.convert(a, t)

    def address(self, d):
        r = self.rng
        x = r.random()
        if x < 0.3:
            self.emit('i32.const %d' % r.choice([0, 8, 16, 100, 1024, 4000, 60000,
                                                  r.randrange(0, 60000)]
                                                 if r.random() < 0.97 else [65532, 65535, 65536]))
        elif x < 0.995:
            self.expr('i32', d - 1)
            self.emit('i32.const %d' % r.choice([0x7ff8, 0xeff0, 0x3ff, 0xff, 0x1ff8]))
            self.emit('i32.and')
        else:
            self.expr('i32', d - 1)

    def memarg(self, size):
        r = self.rng
        s = ''
        if r.random() < 0.4:
            s += ' offset=%d' % r.choice([1, 4, 8, 16, 255, 4096] if r.random() < 0.97
                                         else [65530, 65536, 0xfffffff0])
        if r.random() < 0.2:
            s += ' align=%d' % r.choice([a for a in (1, 2, 4, 8) if a <= size])
        return s

    def x_load(self, t, d):
        op, size = self.rng.choice(LOADS[t])
        self.address(d)
        self.emit(op + self.memarg(size))
        if t in T_FLT:
            self.sanitise(t)

    def x_tee(self, t, d):
        w = self.writable(t)
        if not w:
            self.leaf(t)
            return
        self.expr(t, d - 1)
        self.emit('local.tee %d' % self.rng.choice(w))

    def x_select(self, t, d):
        self.expr(t, d - 1)
        self.expr(t, d - 1)
        self.cond(d - 1)
        self.emit(self.rng.choice(['select', 'select (result %s)' % t]))

    def x_memsize(self, t, d):
        if self.rng.random() < 0.5:
            self.emit('memory.size')
        else:
            self.expr('i32', d - 1)
            self.emit('i32.const 1')
            self.emit('i32.and')
            self.emit('memory.grow')

    def x_pressure(self, t, d):
        r = self.rng
        n = r.randrange(8, 22)
        cls = T_INT if (t in T_INT) != (r.random() < 0.2) else T_FLT
        types = [r.choice(cls) for _ in range(n)]
        for ty in types:
            self.expr(ty, min(d - 1, r.choice([0, 1, 1, 2])))
        self.reduce(types, t)

    def rand_types(self, lo, hi):
        return [self.rng.choice(TYPES) for _ in range(self.rng.randrange(lo, hi + 1))]

    def consume(self, types, d):
        """Values `types` on the stack at the start of a body: store them."""
        r = self.rng
        if not types:
            return
        if r.random() < 0.7:
            for ty in reversed(types):
                w = self.writable(ty)
                if w and r.random() < 0.8:
                    self.emit('local.set %d' % r.choice(w))
                else:
                    self.emit('drop')
        else:
            t = r.choice(TYPES)
            self.reduce(types, t)
            w = self.writable(t)
            self.emit('local.set %d' % r.choice(w) if w else 'drop')

    def body_end(self, own, t_out, d):
        """End of a block / if arm body whose label is `own`, results t_out."""
        r = self.rng
        x = r.random()
        targets = self.branch_targets()
        if x < 0.45 or self.over():
            for ty in t_out:
                self.expr(ty, d - 1)
        elif x < 0.7:
            lab = r.choice(targets)
            for ty in lab.types:
                self.expr(ty, d - 1)
            self.cond(d - 1)
            self.emit('br_if %s' % self.target(lab))
            if lab.types == list(t_out):
                return
            if len(t_out) == 1:
                self.reduce(lab.types, t_out[0])
            else:
                for ty in reversed(lab.types):
                    self.emit('drop')
                for ty in t_out:
                    self.expr(ty, d - 1)
        elif x < 0.8:
            lab = r.choice(targets)
            for ty in lab.types:
                self.expr(ty, d - 1)
            self.emit('br %s' % self.target(lab))
        elif x < 0.93:
            lab = r.choice(targets)
            same = [l for l in targets if l.types == lab.types]
            for ty in lab.types:
                self.expr(ty, d - 1)
            self.expr('i32', d - 1)
            if r.random() < 0.6:
                self.emit('i32.const %d' % (len(same) + 1))
                self.emit('i32.rem_u')
            tl = [self.target(r.choice(same)) for _ in range(r.randrange(1, 6))]
            self.emit('br_table %s' % ' '.join(tl))
        else:
            for ty in self.results:
                self.expr(ty, d - 1)
            self.emit('return')

    def x_block(self, t, d, stmt=False):
        r = self.rng
        params = self.rand_types(1, 3) if r.random() < 0.3 else []
        res = [] if stmt else ([t] if r.random() < 0.8 else [t] + self.rand_types(1, 2))
        for ty in params:
            self.expr(ty, d - 2)
        name = self.label_name()
        self.emit('block %s%s' % (name, blocktype(params, res)))
        self.ind += 1
        own = Label(name, res, 'block')
        self.labels.append(own)
        self.consume(params, d)
        self.stmts(r.randrange(0, 3), d - 1)
        self.body_end(own, res, d)
        self.labels.pop()
        self.ind -= 1
        self.emit('end')
        if len(res) > 1:
            self.reduce_multi_tail(res, t)

    def reduce_multi_tail(self, res, t):
        # res on the stack, res[0] == t: fold the rest into it.
        self.reduce(res, t)

    def x_if(self, t, d, stmt=False):
        r = self.rng
        params = self.rand_types(1, 2) if r.random() < 0.3 else []
        res = [] if stmt else ([t] if r.random() < 0.8 else [t] + self.rand_types(1, 2))
        for ty in params:
            self.expr(ty, d - 2)
        self.cond(d - 1)
        name = self.label_name()
        self.emit('if %s%s' % (name, blocktype(params, res)))
        self.ind += 1
        own = Label(name, res, 'if')
        self.labels.append(own)
        self.consume(params, d)
        self.stmts(r.randrange(0, 3), d - 1)
        self.body_end(own, res, d)
        if res or params or r.random() < 0.6:
            self.ind -= 1
            self.emit('else')
            self.ind += 1
            self.consume(params, d)
            self.stmts(r.randrange(0, 3), d - 1)
            self.body_end(own, res, d)
        self.labels.pop()
        self.ind -= 1
        self.emit('end')
        if len(res) > 1:
            self.reduce_multi_tail(res, t)

    def x_loop(self, t, d, stmt=False):
        r = self.rng
        params = self.rand_types(1, 3) if r.random() < 0.5 else []
        res = [] if stmt else [t]
        n = r.randrange(1, 5)
        cnt = self.new_local('i32')
        self.protected.add(cnt)
        self.emit('i32.const %d' % n)
        self.emit('local.set %d' % cnt)
        for ty in params:
            self.expr(ty, d - 2)
        name = self.label_name()
        self.emit('loop %s%s' % (name, blocktype(params, res)))
        self.ind += 1
        self.mult *= n
        self.labels.append(Label(name, params, 'loop'))
        # The loop's parameters: keep some in locals, compute new ones.
        self.consume(params, d)
        self.stmts(r.randrange(1, 3), d - 1)
        for ty in params:
            self.expr(ty, d - 1)
        self.emit('local.get %d' % cnt)
        self.emit('i32.const 1')
        self.emit('i32.sub')
        self.emit('local.tee %d' % cnt)
        self.emit('br_if %s' % name)
        if stmt:
            for _ in params:
                self.emit('drop')
        else:
            self.reduce(params, t)
        self.labels.pop()
        self.mult //= n
        self.ind -= 1
        self.emit('end')

    def pick_callee(self):
        cands = [j for j in range(self.k)
                 if self.mod.cost[j] * self.mult + self.cost < COST_BUDGET]
        if not cands:
            return None
        return self.rng.choice(cands)

    def call(self, d):
        """Emits a call; returns its result types (or None if no callee)."""
        r = self.rng
        j = self.pick_callee()
        if j is None:
            return None
        params, results = self.mod.sigs[j]
        for ty in params:
            self.expr(ty, min(d - 1, r.choice([0, 0, 1, 2])))
        if r.random() < 0.3:
            x = r.random()
            if x < 0.88:
                self.emit('i32.const %d' % j)
            elif x < 0.995:
                j2 = r.randrange(0, self.k)
                self.emit('i32.const %d' % j)
                self.emit('i32.const %d' % j2)
                self.cond(1)
                self.emit('select')
                self.cost += self.mod.cost[j2] * self.mult
            else:
                self.emit('i32.const %d' % (self.mod.nfuncs + r.randrange(0, 3)))
            self.emit('call_indirect (type $t%d)' % j)
        else:
            self.emit('call $f%d' % j)
        self.cost += self.mod.cost[j] * self.mult
        return results

    def x_call(self, t, d):
        res = self.call(d)
        if res is None:
            self.leaf(t)
            return
        self.reduce(res, t)

    # -- statements
    def stmts(self, n, d):
        for _ in range(n):
            self.stmt(d)

    def stmt(self, d):
        r = self.rng
        if d <= 0 or self.over():
            w = [i for i in range(len(self.locals)) if i not in self.protected]
            i = r.choice(w)
            self.leaf(self.locals[i])
            self.emit('local.set %d' % i)
            return
        kinds = [('set', 6), ('gset', 2), ('store', 4), ('drop', 1), ('if', 2), ('block', 2),
                 ('loop', 1), ('call', 2), ('grow', 0.3)]
        kind = r.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        if kind == 'set':
            w = [i for i in range(len(self.locals)) if i not in self.protected]
            i = r.choice(w)
            self.expr(self.locals[i], d - 1)
            self.emit('local.set %d' % i)
        elif kind == 'gset':
            t = r.choice(TYPES)
            self.expr(t, d - 1)
            self.emit('global.set %s' % r.choice(self.mod.mut_globals_of(t)))
        elif kind == 'store':
            t = r.choice(TYPES)
            op, size = r.choice(STORES[t])
            self.address(d)
            self.expr(t, d - 1)
            if t in T_FLT:
                self.sanitise(t)
            self.emit(op + self.memarg(size))
        elif kind == 'drop':
            self.expr(r.choice(TYPES), d - 1)
            self.emit('drop')
        elif kind == 'if':
            self.x_if(None, d, stmt=True)
        elif kind == 'block':
            self.x_block(None, d, stmt=True)
        elif kind == 'loop':
            self.x_loop(None, d, stmt=True)
        elif kind == 'call':
            res = self.call(d)
            for ty in reversed(res or []):
                w = self.writable(ty)
                self.emit('local.set %d' % r.choice(w) if w and r.random() < 0.7 else 'drop')
        else:
            self.expr('i32', d - 1)
            self.emit('memory.grow')
            self.emit('drop')

    def generate(self):
        r = self.rng
        depth = r.randrange(3, 7)
        self.stmts(r.randrange(1, 5), depth)
        x = r.random()
        if x < 0.1 and self.results:
            for ty in self.results:
                self.expr(ty, depth)
            self.emit('return')
        elif x < 0.2:
            for ty in self.results:
                self.expr(ty, depth)
            self.cond(2)
            self.emit('br_if 0')
            for ty in self.results:
                self.emit('drop')
            for ty in self.results:
                self.expr(ty, depth)
        else:
            for ty in self.results:
                self.expr(ty, depth)
        head = '  (func $f%d (export "f%d") (type $t%d)' % (self.k, self.k, self.k)
        if self.decl:
            head += ' (local %s)' % ' '.join(self.decl)
        return [head] + self.lines + ['  )']


# ----------------------------------------------------------------------------
# One module

class ModGen:
    def __init__(self, rng, nfuncs):
        self.rng = rng
        self.nfuncs = nfuncs
        self.sigs = []
        self.cost = []
        for _ in range(nfuncs):
            x = rng.random()
            if x < 0.15:  # many parameters: some go on the stack
                params = ([rng.choice(T_INT) for _ in range(rng.randrange(7, 11))]
                          + [rng.choice(T_FLT) for _ in range(rng.randrange(9, 13))])
                rng.shuffle(params)
            else:
                params = [rng.choice(TYPES) for _ in range(rng.randrange(0, 6))]
            y = rng.random()
            nres = 0 if y < 0.08 else 1 if y < 0.7 else rng.randrange(2, 5)
            results = [rng.choice(TYPES) for _ in range(nres)]
            self.sigs.append((params, results))
        self.globals = {}
        self.mut_globals = {}
        self.global_decls = []
        for t in TYPES:
            for m in range(3):
                name = '$g%s_%d' % (t, m)
                mut = m < 2
                self.globals.setdefault(t, []).append(name)
                if mut:
                    self.mut_globals.setdefault(t, []).append(name)
                self.global_decls.append('  (global %s %s (%s.const %s))' % (
                    name, '(mut %s)' % t if mut else t, t, fmt_value(t, rand_bits(rng, t))))

    def globals_of(self, t):
        return self.globals[t]

    def mut_globals_of(self, t):
        return self.mut_globals[t]

    def generate(self):
        rng = self.rng
        out = ['(module']
        for k, (p, res) in enumerate(self.sigs):
            out.append('  (type $t%d (func%s))' % (k, blocktype(p, res)))
        out.append('  (memory 1 2)')
        for off in (0, 256, 65536 - 64):
            data = ''.join('\\%02x' % rng.getrandbits(8) for _ in range(64))
            out.append('  (data (i32.const %d) "%s")' % (off, data))
        out += self.global_decls
        out.append('  (table %d funcref)' % (self.nfuncs + 1))
        out.append('  (elem (i32.const 0) func %s)' % ' '.join('$f%d' % k for k in range(self.nfuncs)))
        for k in range(self.nfuncs):
            fg = FuncGen(self, k, rng)
            out += fg.generate()
            self.cost.append(fg.cost)
        out.append(')')
        return out

    def trap_wrappers(self):
        """Exports t<k>: f<k> with its results dropped (k with several results)."""
        out = []
        for k, (p, res) in enumerate(self.sigs):
            if len(res) > 1:
                out.append('  (func (export "t%d")%s' % (k, blocktype(p, [])))
                body = ['local.get %d' % i for i in range(len(p))] + ['call $f%d' % k]
                body += ['drop'] * len(res)
                out += ['    ' + b for b in body]
                out.append('  )')
        return out

    def probes(self):
        """Exports p<k>: f<k> with float results as integer bits."""
        out = []
        for k, (p, res) in enumerate(self.sigs):
            mapped = [{'f32': 'i32', 'f64': 'i64'}.get(t, t) for t in res]
            s = '  (func (export "p%d")%s' % (k, blocktype(p, mapped))
            if res:
                s += ' (local %s)' % ' '.join(res)
            out.append(s)
            body = ['local.get %d' % i for i in range(len(p))] + ['call $f%d' % k]
            body += ['local.set %d' % (len(p) + i) for i in reversed(range(len(res)))]
            for i, t in enumerate(res):
                body.append('local.get %d' % (len(p) + i))
                if t in T_FLT:
                    body.append('%s.reinterpret_%s' % (mapped[i], t))
            out += ['    ' + b for b in body]
            out.append('  )')
        return out


# ----------------------------------------------------------------------------
# wabt

TRAP_MESSAGES = [
    ('integer divide by zero', 'integer divide by zero'),
    ('integer overflow', 'integer overflow'),
    ('invalid conversion to integer', 'invalid conversion to integer'),
    ('out of bounds memory access', 'out of bounds memory access'),
    ('undefined table index', 'undefined element'),
    ('undefined element', 'undefined element'),
    ('uninitialized table element', 'uninitialized element'),
    ('uninitialized element', 'uninitialized element'),
    ('indirect call signature mismatch', 'indirect call type mismatch'),
    ('indirect call type mismatch', 'indirect call type mismatch'),
]


def spec_trap_message(msg):
    for prefix, spec in TRAP_MESSAGES:
        if msg.startswith(prefix):
            return spec
    raise SystemExit('unknown wabt trap message: %r' % msg)


def run_wabt(wast_text, tmp, name):
    path = os.path.join(tmp, name + '.wast')
    with open(path, 'w') as f:
        f.write(wast_text)
    js = os.path.join(tmp, name + '.json')
    subprocess.run(['wast2json', path, '-o', js], check=True)
    # wast2json 1.0.32 writes the "expected" array of a bare action with
    # several results without commas.
    with open(js) as f:
        text = f.read()
    with open(js, 'w') as f:
        f.write(text.replace('}{', '}, {'))
    p = subprocess.run(['spectest-interp', js], cwd=tmp, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def parse_results(line, results):
    """'i32:5, i64:7' (unsigned) -> bits per mapped result."""
    vals = []
    if results:
        parts = [x.strip() for x in line.split(',')]
        assert len(parts) == len(results), (line, results)
        for part, t in zip(parts, results):
            ty, v = part.split(':', 1)
            mapped = {'f32': 'i32', 'f64': 'i64'}.get(t, t)
            assert ty == mapped, (line, results)
            vals.append(int(v))
    return vals


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=20240611)
    ap.add_argument('-o', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                               'random_programs.wast'))
    args = ap.parse_args()
    rng = random.Random(args.seed)

    mods = []
    for m in range(N_MODULES):
        mg = ModGen(rng, FUNCS_PER_MODULE)
        text = mg.generate()
        calls = []
        for k, (p, res) in enumerate(mg.sigs):
            n = 3 if not p else rng.randrange(5, 9)
            for _ in range(n):
                calls.append((k, [(t, rand_bits(rng, t)) for t in p]))
        mods.append((mg, text, calls))

    def invoke(name, argv):
        return '(invoke "%s"%s)' % (name, ''.join(' (%s.const %s)' % (t, fmt_value(t, b))
                                                  for t, b in argv))

    with tempfile.TemporaryDirectory() as tmp:
        probe = []
        for mg, text, calls in mods:
            probe += text[:-1] + mg.probes() + [')']
            probe += [invoke('p%d' % k, argv) for k, argv in calls]
        rc, out = run_wabt('\n'.join(probe) + '\n', tmp, 'probe')
        lines = [l for l in out.splitlines() if re.match(r'^p\d+\(', l)]
        ncalls = sum(len(c) for _, _, c in mods)
        if len(lines) != ncalls:
            sys.stderr.write(out[-3000:])
            raise SystemExit('expected %d results, got %d' % (ncalls, len(lines)))

        body = []
        nassert = ntrap = 0
        li = 0
        for mg, text, calls in mods:
            body += text[:-1] + mg.trap_wrappers() + [')']
            for k, argv in calls:
                line = lines[li]
                li += 1
                m = re.match(r'^p(\d+)\(.*\) =>(.*)$', line)
                assert m and int(m.group(1)) == k, line
                rest = m.group(2).strip()
                inv = invoke('f%d' % k, argv)
                if rest.startswith('error:'):
                    if len(mg.sigs[k][1]) > 1:
                        # wast2json 1.0.32 writes an assert_trap's expected
                        # types without commas: trap through t<k> instead.
                        inv = invoke('t%d' % k, argv)
                    body.append('(assert_trap %s "%s")' % (inv, spec_trap_message(rest[6:].strip())))
                    ntrap += 1
                else:
                    res = mg.sigs[k][1]
                    vals = parse_results(rest, res)
                    exp = []
                    for t, v in zip(res, vals):
                        if is_nan(t, v):
                            exp.append('(%s.const nan:arithmetic)' % t)
                        else:
                            exp.append('(%s.const %s)' % (t, fmt_value(t, v)))
                    body.append('(assert_return %s%s)' % (inv, ''.join(' ' + e for e in exp)))
                nassert += 1

        nfuncs = N_MODULES * FUNCS_PER_MODULE
        header = [
            ';; Generated by runtime/baseline/testdata/gen_random_wast.py; do not edit.',
            ';;   python3 runtime/baseline/testdata/gen_random_wast.py --seed %d' % args.seed,
            ';; %d modules, %d functions, %d assertions (%d traps); expected results from' % (
                N_MODULES, nfuncs, nassert, ntrap),
            ';; wabt\'s spectest-interp (%s), float results as bits through probe exports.' %
            subprocess.run(['spectest-interp', '--version'], capture_output=True,
                           text=True).stdout.strip(),
            ';; NaN bits never reach a non-NaN value (sanitised), so NaN results are',
            ';; asserted as nan:arithmetic. See the generator for the rules.',
            '',
        ]
        final = '\n'.join(header + body) + '\n'
        rc, out = run_wabt(final, tmp, 'final')
        if rc != 0:
            sys.stderr.write(out[-5000:])
            raise SystemExit('spectest-interp failed on the generated file')
        with open(args.o, 'w') as f:
            f.write(final)
        print('%s: %d functions, %d assertions (%d traps), %d bytes; spectest-interp: %s' % (
            args.o, nfuncs, nassert, ntrap, len(final), out.strip().splitlines()[-1]))


if __name__ == '__main__':
    main()
