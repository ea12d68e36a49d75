// Kernel: dense f64 matrix multiply, C = A * B (N x N), repeated.
// Float-heavy inner loop with loads and stores.
#define N 96
static double a[N * N], b[N * N], c[N * N];

double matmul_run(int reps) {
  for (int i = 0; i < N * N; ++i) {
    a[i] = (double)(i % 17) * 0.5;
    b[i] = (double)(i % 13) * 0.25;
  }
  double checksum = 0;
  for (int r = 0; r < reps; ++r) {
    for (int i = 0; i < N; ++i) {
      for (int j = 0; j < N; ++j) {
        double sum = 0;
        for (int k = 0; k < N; ++k) sum += a[i * N + k] * b[k * N + j];
        c[i * N + j] = sum + r;
      }
    }
    checksum += c[(r * 7) % (N * N)];
  }
  return checksum;
}
