// Kernel: table-driven CRC-32 over a 256 KiB buffer, repeated.
// Integer ALU (shifts, xor), table loads, a long dependent chain.
#define SIZE (256 * 1024)
static unsigned int table[256];
static unsigned char data[SIZE];

unsigned int crc32_run(int reps) {
  for (unsigned int n = 0; n < 256; ++n) {
    unsigned int c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  for (int i = 0; i < SIZE; ++i) data[i] = (unsigned char)(i * 31 + (i >> 8));
  unsigned int crc = 0;
  for (int r = 0; r < reps; ++r) {
    crc = 0xffffffffu ^ (unsigned int)r;
    for (int i = 0; i < SIZE; ++i) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    crc ^= 0xffffffffu;
  }
  return crc;
}
