// Works inside a preopened directory (argv[1], its guest path): copies
// in.txt to out.txt, makes a directory, moves the copy into it, lists it, and
// tries to escape ("..", an absolute path, a symlink pointing out), which
// must all fail.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void try_open(const char* what, const char* path) {
  FILE* f = fopen(path, "r");
  if (f != NULL) {
    printf("escape %s: OPENED\n", what);
    fclose(f);
  } else {
    printf("escape %s: blocked (%s)\n", what, strerror(errno));
  }
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const char* d = argv[1];
  char in_path[512], out_path[512], sub[512], moved[512], path[512];
  snprintf(in_path, sizeof in_path, "%s/in.txt", d);
  snprintf(out_path, sizeof out_path, "%s/out.txt", d);
  snprintf(sub, sizeof sub, "%s/sub", d);
  snprintf(moved, sizeof moved, "%s/sub/moved.txt", d);
  FILE* in = fopen(in_path, "r");
  if (in == NULL) return perror("in.txt"), 1;
  FILE* out = fopen(out_path, "w");
  if (out == NULL) return perror("out.txt"), 1;
  char buf[256];
  size_t n, total = 0;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) total += fwrite(buf, 1, n, out);
  fclose(in);
  fclose(out);
  printf("copied %zu bytes\n", total);
  if (mkdir(sub, 0755) != 0) return perror("mkdir"), 1;
  if (rename(out_path, moved) != 0) return perror("rename"), 1;
  struct stat st;
  if (stat(moved, &st) != 0) return perror("stat"), 1;
  printf("moved.txt has %lld bytes\n", (long long)st.st_size);
  DIR* dir = opendir(sub);
  if (dir == NULL) return perror("opendir"), 1;
  for (struct dirent* e; (e = readdir(dir)) != NULL;) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) printf("sub contains %s\n", e->d_name);
  }
  closedir(dir);
  snprintf(path, sizeof path, "%s/../../../../etc/passwd", d);
  try_open("dotdot", path);
  try_open("absolute", "/etc/passwd");
  snprintf(path, sizeof path, "%s/link_out", d);
  try_open("symlink", path);
  snprintf(path, sizeof path, "%s/sub/../../outside.txt", d);
  try_open("nested dotdot", path);
  if (remove(in_path) != 0) return perror("remove"), 1;
  printf("removed in.txt\n");
  return 0;
}
