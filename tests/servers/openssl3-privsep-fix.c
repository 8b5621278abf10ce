/* Written by scripts/servers: LD_PRELOAD fix for OpenSMTPD 6.8 privsep TLS with OpenSSL 3. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

typedef struct rsa_st RSA;
typedef struct bignum_st BIGNUM;
const BIGNUM *RSA_get0_n(const RSA *r);
BIGNUM *BN_dup(const BIGNUM *a);
int BN_cmp(const BIGNUM *a, const BIGNUM *b);

#define MAX_KEYS 32
static struct {
  BIGNUM *n;
  void *data;
} keys[MAX_KEYS];
static int nkeys;

int
RSA_set_ex_data(RSA *r, int idx, void *arg)
{
  static int (*real)(RSA *, int, void *);
  const BIGNUM *n;
  int i;

  if (real == NULL)
    *(void **)&real = dlsym(RTLD_NEXT, "RSA_set_ex_data");
  if (idx == 0 && arg != NULL && (n = RSA_get0_n(r)) != NULL) {
    for (i = 0; i < nkeys; i++)
      if (BN_cmp(keys[i].n, n) == 0)
        break;
    if (i < nkeys)
      keys[i].data = arg;
    else if (nkeys < MAX_KEYS && (keys[nkeys].n = BN_dup(n)) != NULL)
      keys[nkeys++].data = arg;
  }
  return real(r, idx, arg);
}

void *
RSA_get_ex_data(const RSA *r, int idx)
{
  static void *(*real)(const RSA *, int);
  const BIGNUM *n;
  void *v;
  int i;

  if (real == NULL)
    *(void **)&real = dlsym(RTLD_NEXT, "RSA_get_ex_data");
  v = real(r, idx);
  if (v != NULL || idx != 0 || (n = RSA_get0_n(r)) == NULL)
    return v;
  for (i = 0; i < nkeys; i++)
    if (BN_cmp(keys[i].n, n) == 0)
      return keys[i].data;
  return NULL;
}
