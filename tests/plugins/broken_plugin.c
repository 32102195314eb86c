/* Deliberately broken plugins, written against the raw C ABI. One variant per
 * build, chosen with BROKEN_* (see tests/plugins/CMakeLists.txt). */
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

static int validate(void* instance, const char* case_json, char** out) {
  (void)instance;
  (void)case_json;
#if defined(BROKEN_CRASH)
  abort(); /* kills the whole process in the middle of an action */
#elif defined(BROKEN_ERROR_CODE)
  *out = dup("rules service unavailable");
  return SF_ERROR;
#else
  *out = dup("<<this is not json>>");
  return SF_OK;
#endif
}

static int propose(void* instance, const char* case_json, char** out) {
  (void)instance;
  (void)case_json;
  *out = dup("{\"outcome\": \"maybe\", \"reasons\": []}");
  return SF_OK;
}

#if defined(BROKEN_ERROR_CODE) || !defined(BROKEN_CRASH) && !defined(BROKEN_NO_ENTRY) && \
    !defined(BROKEN_NULL_DESCRIPTOR) && !defined(BROKEN_LIBRARY_ABI) && !defined(BROKEN_SHORT_DESCRIPTOR)
#define BROKEN_ON_DECISION
/* After a decision (grant or refuse): an error code with a message
 * (error_permit), or a return code the ABI does not know with garbage in the
 * error text (garbage_permit). Other events pass. */
static int on_event(void* instance, const char* event_json, char** out_error) {
  (void)instance;
  if (strstr(event_json, "\"action\":\"grant\"") == NULL && strstr(event_json, "\"action\":\"refuse\"") == NULL) {
    return SF_OK;
  }
#if defined(BROKEN_ERROR_CODE)
  *out_error = dup("letter service unavailable");
  return SF_ERROR;
#else
  *out_error = dup("<<\x01garbage\x7f>>");
  return 77;
#endif
}
#endif

static sf_plugin_descriptor descriptor;

#if !defined(BROKEN_NO_ENTRY)
EXPORT const sf_plugin_descriptor* sagsflow_plugin_entry(const sf_host_api* host) {
  (void)host;
#if defined(BROKEN_NULL_DESCRIPTOR)
  return NULL;
#endif
  /* The ABI its manifest declares (1.0): a 1.0 descriptor. */
  descriptor.struct_size = sagsflow_generated_plugin_abi_minor >= 1 ? sizeof descriptor : SAGSFLOW_DESCRIPTOR_SIZE_1_0;
  descriptor.abi_major = SAGSFLOW_ABI_MAJOR;
  descriptor.abi_minor = (uint16_t)sagsflow_generated_plugin_abi_minor;
#if defined(BROKEN_LIBRARY_ABI)
  descriptor.abi_major = SAGSFLOW_ABI_MAJOR + 1;
#endif
#if defined(BROKEN_SHORT_DESCRIPTOR)
  descriptor.struct_size = 8;
#endif
  descriptor.id = sagsflow_generated_plugin_id;
  descriptor.version = sagsflow_generated_plugin_version;
  descriptor.manifest = sagsflow_generated_plugin_manifest;
  descriptor.free_string = free_string;
  descriptor.validate_form = validate;
  descriptor.propose_decision = propose;
#if defined(BROKEN_ON_DECISION)
  descriptor.on_case_event = on_event;
#endif
  return &descriptor;
}
#else
EXPORT int some_other_function(void) { return 42; }
#endif
