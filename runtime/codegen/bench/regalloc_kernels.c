// Register-pressure kernels for the JIT's register allocator benchmark.
#include <stdint.h>

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))
#define QR(a, b, c, d)                                  \
  a += b; d ^= a; d = ROTL(d, 16);                      \
  c += d; b ^= c; b = ROTL(b, 12);                      \
  a += b; d ^= a; d = ROTL(d, 8);                       \
  c += d; b ^= c; b = ROTL(b, 7);

// ChaCha20 blocks: 16 hot state words in the round loop, 12 cold input words
// live across it (used only in the final addition).
uint32_t chacha(uint32_t seed, int blocks) {
  uint32_t sum = 0;
  for (int blk = 0; blk < blocks; ++blk) {
    uint32_t j0 = 0x61707865, j1 = 0x3320646e, j2 = 0x79622d32, j3 = 0x6b206574;
    uint32_t j4 = seed * 3u + blk, j5 = seed ^ (blk * 7u), j6 = seed + 11u * blk, j7 = seed * seed;
    uint32_t j8 = j4 ^ j7, j9 = j5 + j6, j10 = j6 * 5u, j11 = j7 ^ 0x9e3779b9u;
    uint32_t j12 = (uint32_t)blk, j13 = seed >> 3, j14 = sum, j15 = sum ^ seed;
    uint32_t x0 = j0, x1 = j1, x2 = j2, x3 = j3, x4 = j4, x5 = j5, x6 = j6, x7 = j7;
    uint32_t x8 = j8, x9 = j9, x10 = j10, x11 = j11, x12 = j12, x13 = j13, x14 = j14, x15 = j15;
    for (int i = 0; i < 10; ++i) {
      QR(x0, x4, x8, x12) QR(x1, x5, x9, x13) QR(x2, x6, x10, x14) QR(x3, x7, x11, x15)
      QR(x0, x5, x10, x15) QR(x1, x6, x11, x12) QR(x2, x7, x8, x13) QR(x3, x4, x9, x14)
    }
    sum += (x0 + j0) ^ (x1 + j1) ^ (x2 + j2) ^ (x3 + j3) ^ (x4 + j4) ^ (x5 + j5) ^
           (x6 + j6) ^ (x7 + j7) ^ (x8 + j8) ^ (x9 + j9) ^ (x10 + j10) ^ (x11 + j11) ^
           (x12 + j12) ^ (x13 + j13) ^ (x14 + j14) ^ (x15 + j15);
    sum = ROTL(sum, 5);
  }
  return sum;
}

// A 12-tap IIR-ish filter over a generated signal: 12 coefficients and 12
// delay-line values (24 doubles) live in the loop, on 14 allocatable XMMs.
double filter(int n) {
  double c0 = 0.11, c1 = -0.07, c2 = 0.05, c3 = 0.031, c4 = -0.021, c5 = 0.017;
  double c6 = 0.013, c7 = -0.011, c8 = 0.007, c9 = 0.005, c10 = -0.003, c11 = 0.002;
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0, s9 = 0, s10 = 0,
         s11 = 0;
  double acc = 0, x = 0.5;
  for (int i = 0; i < n; ++i) {
    x = x * 1.0001 + 0.25;
    if (x > 4.0) x -= 3.5;
    double y = x + c0 * s0 + c1 * s1 + c2 * s2 + c3 * s3 + c4 * s4 + c5 * s5 + c6 * s6 +
               c7 * s7 + c8 * s8 + c9 * s9 + c10 * s10 + c11 * s11;
    s11 = s10; s10 = s9; s9 = s8; s8 = s7; s7 = s6; s6 = s5; s5 = s4; s4 = s3; s3 = s2;
    s2 = s1; s1 = s0; s0 = y;
    acc += y;
  }
  return acc;
}

// Integer mixing with 24 values live in the loop (more than the 10
// allocatable GPRs), some of them only read every 8th iteration.
uint64_t mix(int n) {
  uint64_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
  uint64_t k0 = 0x9e3779b97f4a7c15ull, k1 = 0xbf58476d1ce4e5b9ull, k2 = 0x94d049bb133111ebull;
  uint64_t k3 = 0x2545f4914f6cdd1dull;
  uint64_t cold0 = n * 3ull, cold1 = n ^ 0x55ull, cold2 = n * 7ull + 1, cold3 = n + 99ull;
  for (int i = 0; i < n; ++i) {
    a += b ^ k0; b = (b << 7 | b >> 57) + c; c ^= d * k1; d += e;
    e = (e ^ f) * k2; f += g ^ (uint64_t)i; g = (g >> 3) + h * k3; h ^= a + i;
    if ((i & 7) == 0) {
      a ^= cold0; b += cold1; c ^= cold2; d += cold3;
    }
  }
  return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ cold0 ^ cold1 ^ cold2 ^ cold3;
}
