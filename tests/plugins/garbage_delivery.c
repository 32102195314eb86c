/* A delivery plugin (ABI 1.2) written against the raw C ABI that answers
 * deliver_letter with what the SDK would never produce, chosen by the
 * letter's title: NOT-JSON, BAD-STATUS, NO-RECEIPT, NUMBER-REASON,
 * LONG-RECEIPT (1001 bytes), ERROR-CODE; anything else is delivered with the
 * receipt "ok" (and a receipt of exactly 1000 bytes for LIMIT-RECEIPT).
 * With SHORT_DESCRIPTOR its descriptor's struct_size is that of ABI 1.1. */
#include <sagsflow/plugin_abi.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

extern const char sagsflow_generated_plugin_id[];
extern const char sagsflow_generated_plugin_version[];
extern const char sagsflow_generated_plugin_manifest[];
extern const int sagsflow_generated_plugin_abi_minor;

static char* dup(const char* s) {
  char* p = malloc(strlen(s) + 1);
  strcpy(p, s);
  return p;
}
static void free_string(char* s) { free(s); }

static char* receipt_of(size_t n) {
  const char* head = "{\"status\":\"delivered\",\"receipt\":\"";
  char* p = malloc(strlen(head) + n + 3);
  strcpy(p, head);
  memset(p + strlen(head), 'r', n);
  strcpy(p + strlen(head) + n, "\"}");
  return p;
}

static int deliver(void* instance, const char* letter_json, const unsigned char* pdf, size_t size, char** out) {
  (void)instance;
  (void)pdf;
  (void)size;
  if (strstr(letter_json, "\"title\":\"NOT-JSON\"")) *out = dup("<<delivered, sort of>>");
  else if (strstr(letter_json, "\"title\":\"BAD-STATUS\"")) *out = dup("{\"status\":\"maybe\",\"reason\":\"?\"}");
  else if (strstr(letter_json, "\"title\":\"NO-RECEIPT\"")) *out = dup("{\"status\":\"delivered\"}");
  else if (strstr(letter_json, "\"title\":\"NUMBER-REASON\"")) *out = dup("{\"status\":\"retry\",\"reason\":42}");
  else if (strstr(letter_json, "\"title\":\"LONG-RECEIPT\"")) *out = receipt_of(1001);
  else if (strstr(letter_json, "\"title\":\"LIMIT-RECEIPT\"")) *out = receipt_of(1000);
  else if (strstr(letter_json, "\"title\":\"ERROR-CODE\"")) {
    *out = dup("the print provider's folder is full");
    return SF_ERROR;
  } else *out = dup("{\"status\":\"delivered\",\"receipt\":\"ok\"}");
  return SF_OK;
}

static sf_plugin_descriptor descriptor;

EXPORT const sf_plugin_descriptor* sagsflow_plugin_entry(const sf_host_api* host) {
  (void)host;
  descriptor.struct_size = sizeof descriptor;
#if defined(SHORT_DESCRIPTOR)
  descriptor.struct_size = SAGSFLOW_DESCRIPTOR_SIZE_1_1; /* says: no deliver_letter (though the field is set) */
#endif
  descriptor.abi_major = SAGSFLOW_ABI_MAJOR;
  descriptor.abi_minor = (uint16_t)sagsflow_generated_plugin_abi_minor;
  descriptor.id = sagsflow_generated_plugin_id;
  descriptor.version = sagsflow_generated_plugin_version;
  descriptor.manifest = sagsflow_generated_plugin_manifest;
  descriptor.free_string = free_string;
  descriptor.deliver_letter = deliver;
  return &descriptor;
}
