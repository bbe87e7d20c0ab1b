/*
 * pageout.node: gives back the pages of the executable that start-up touched and the agent no
 * longer reads. Node's and V8's code, the start-up snapshot, ICU data and the bundle are mapped
 * from the ~110 MB executable; start-up touches ~45 MiB of them once, and they stay counted in
 * the process's resident set until the kernel needs the memory. madvise(MADV_PAGEOUT) (Linux 5.4)
 * on the executable's read-only mappings drops them now; what the agent still uses faults back
 * in. Optional: built by sea/build.ts when a C compiler is there, loaded by sea/pageout.ts.
 * docs/decisions/0030-lighter-agent.md
 *
 * exports.pageOut(): the bytes advised, or a negative errno (-EINVAL: a kernel without
 * MADV_PAGEOUT; -ENOENT: the executable's mappings were not found).
 */
#include <errno.h>
#include <limits.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static double page_out_executable(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return -errno;
  exe[n] = '\0';
  FILE *maps = fopen("/proc/self/maps", "re");
  if (!maps) return -errno;
  char line[PATH_MAX + 256];
  double advised = 0;
  int found = 0;
  int failure = 0;
  while (fgets(line, sizeof line, maps)) {
    unsigned long start, end;
    char perms[5];
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3 || path_at == 0) continue;
    char *path = line + path_at;
    path[strcspn(path, "\n")] = '\0';
    /* read-only or executable file pages of the executable itself; never its writable data */
    if (strcmp(path, exe) != 0 || perms[1] == 'w') continue;
    found = 1;
    if (madvise((void *)start, end - start, MADV_PAGEOUT) == 0) {
      advised += (double)(end - start);
    } else {
      failure = errno;
    }
  }
  fclose(maps);
  if (!found) return -ENOENT;
  if (advised == 0 && failure) return -failure;
  return advised;
}

static napi_value PageOut(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_double(env, page_out_executable(), &result);
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn;
  if (napi_create_function(env, "pageOut", NAPI_AUTO_LENGTH, PageOut, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "pageOut", fn) != napi_ok) return NULL;
  return exports;
}
