/* Sagsflow plugin ABI: the binary boundary between the host and a plugin.
 *
 * Plain C so that a plugin built with another compiler (or another C++
 * standard library) still loads, or is refused cleanly. Rules:
 *  - one exported entry point, SAGSFLOW_PLUGIN_ENTRY_NAME;
 *  - the host passes a sf_host_api table; the plugin returns a
 *    sf_plugin_descriptor; both begin with struct_size, abi_major, abi_minor;
 *  - new fields are only ever added at the end, with a minor version bump;
 *    a reader uses a field only if struct_size shows it is there;
 *  - no C++ type and no exception crosses this boundary: errors are return
 *    codes with a message;
 *  - whoever allocates frees: strings the plugin returns are released with the
 *    descriptor's free_string; strings the host passes stay the host's and are
 *    valid only during the call.
 * The host loads a plugin only if abi_major equals the host's and abi_minor is
 * not newer than the host's.
 *
 * Vendors normally use the C++ wrapper in <sagsflow/plugin.hpp> instead. */
#ifndef SAGSFLOW_PLUGIN_ABI_H
#define SAGSFLOW_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SAGSFLOW_ABI_MAJOR 1
#define SAGSFLOW_ABI_MINOR 2
#define SAGSFLOW_PLUGIN_ENTRY_NAME "sagsflow_plugin_entry"

/* Return codes of every function in both tables. */
typedef enum sf_status {
  SF_OK = 0,
  SF_ERROR = 1,        /* failed; a message says why */
  SF_NOT_FOUND = 2,    /* no such case or configuration key */
  SF_TOO_SMALL = 3,    /* the buffer is too small; *needed says how big */
  SF_FORBIDDEN = 4     /* the host refused (e.g. the case is not this plugin's) */
} sf_status;

typedef enum sf_log_level { SF_LOG_DEBUG = 0, SF_LOG_INFO = 1, SF_LOG_WARN = 2, SF_LOG_ERROR = 3 } sf_log_level;

/* What the host offers the plugin. `host` is opaque and goes back into every call. */
typedef struct sf_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  void* host;

  /* Writes a log line (CPR numbers are masked by the host). */
  void (*log)(void* host, int level, const char* message);
  /* Copies the plugin's configuration value for `key` (NUL-terminated) into
   * buf[cap]; *needed gets the size including the NUL. SF_TOO_SMALL when cap is too small. */
  int (*config_get)(void* host, const char* key, char* buf, size_t cap, size_t* needed);
  /* Copies the case as JSON (CPR masked) into buf[cap], like config_get. */
  int (*case_read)(void* host, int64_t case_id, char* buf, size_t cap, size_t* needed);
  /* Records a note on the case, as an event by this plugin. */
  int (*case_add_note)(void* host, int64_t case_id, const char* text);
  /* Records an event of `kind` with JSON `data` on the case (kind: [a-z_]+). */
  int (*case_add_event)(void* host, int64_t case_id, const char* kind, const char* data_json);
} sf_host_api;

/* What the plugin hands back. Function pointers may be NULL when a plugin
 * does not offer that service. Every call gets `instance` back. Output strings
 * (*out) are allocated by the plugin and released by the host with free_string. */
typedef struct sf_plugin_descriptor {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  const char* id;       /* must equal the manifest's id */
  const char* version;  /* must equal the manifest's version */
  /* The complete manifest text the plugin was built with; the host checks
   * that it is byte-for-byte the manifest installed beside the library. */
  const char* manifest;
  void* instance;

  void (*free_string)(char* s);
  /* Validation beyond the form's declarative rules. *out: JSON
   * {"errors":[{"field":"...","message":"..."}]} (empty list when valid). */
  int (*validate_form)(void* instance, const char* case_json, char** out);
  /* A decision proposal from objective criteria. *out: JSON
   * {"outcome":"granted|partly_granted|refused","reasons":["..."],"amount":...}. */
  int (*propose_decision)(void* instance, const char* case_json, char** out);
  /* Called after each committed event of a case of this plugin's workflows,
   * outside the request that committed it and at least once: the event JSON
   * carries "event_id" ("<case id>:<seq>", stable), so a plugin that is called
   * again for an event (it failed, or crashed after writing) can do its effect once. */
  int (*on_case_event)(void* instance, const char* event_json, char** out_error);
  /* Called once before the host shuts down; the library is never unloaded. */
  void (*shutdown)(void* instance);

  /* ---- ABI 1.1 (a host reads what follows only when struct_size covers it) ---- */

  /* Scans a document before the host stores it (an upload, from staff or a
   * citizen). metadata_json: {"case_id","municipality","kind","name",
   * "media_type","size","sha256"}; content[size]: the bytes, valid during the
   * call. *out: JSON {"accept":true} or {"accept":false,"reason":"..."}. A
   * rejection, an error code or a crash refuses the upload; nothing is stored.
   * NULL: the plugin does not scan. */
  int (*scan_document)(void* instance, const char* metadata_json, const unsigned char* content, size_t size,
                       char** out);

  /* ---- ABI 1.2 (a host reads what follows only when struct_size covers it) ---- */

  /* Delivers one letter to a citizen on the channel the plugin's manifest
   * declares (`delivery: {channel: digital_post|print}`). Called by the host's
   * letter worker, at least once per letter: a letter may come again after a
   * crash, a timeout or a "retry", always with the same idempotency_key, and
   * the plugin must then not deliver it a second time (answer "delivered"
   * with the first receipt). The plugin may read its settings (config_get,
   * in the letter's municipality) and log, but not write to cases.
   *
   * letter_json (valid during the call):
   *   {"letter_id": 17,                      integer, the host's id of the letter
   *    "idempotency_key": "...",             stable per letter: the same on every retry
   *    "message_uuid": "...",                a UUID derived from the key (MeMo MessageUUID)
   *    "municipality": "0101",               whose letter it is (the config_get context)
   *    "case_id": 42, "case_number": "...",
   *    "kind": "decision",                   decision, receipt, hearing, ...
   *    "language": "da",                     da or en
   *    "title": "...",
   *    "channel": "digital_post",            digital_post or print
   *    "recipient": {"cpr": "ddmmyyxxxx",    UNMASKED, ten digits: Digital Post and the
   *                  "name": "..."},         print provider address the citizen by CPR number;
   *                                          never log it or put it in a file name
   *    "sender": {"name", "cvr", "address", "phone", "web"},
   *    "document": {"name": "...pdf", "media_type": "application/pdf", "size": 12345,
   *                 "sha256": "64 hex digits of the PDF"},
   *    "memo": "<?xml ...>"}                 channel digital_post only: the complete
   *                                          MeMo 1.1 message with the PDF inside, built
   *                                          by the host; send it as it is
   * pdf[size]: the letter's PDF (the same bytes as in "memo"), valid during the call.
   * *out: JSON, one of
   *   {"status": "delivered", "receipt": "..."}  handed over; the receiver's acknowledgement
   *   {"status": "retry", "reason": "..."}       not now (receiver down, busy, timed out)
   *   {"status": "refused", "reason": "..."}     never on this channel (e.g. the recipient is
   *                                              exempt from Digital Post: the host falls back to print)
   * receipt and reason are at most 1000 bytes. An error code, a crash or any
   * other answer counts as "retry" for the host. NULL: the plugin delivers nothing. */
  int (*deliver_letter)(void* instance, const char* letter_json, const unsigned char* pdf, size_t size, char** out);
} sf_plugin_descriptor;

/* The size of a descriptor of ABI 1.0 (without scan_document). */
#define SAGSFLOW_DESCRIPTOR_SIZE_1_0 (offsetof(sf_plugin_descriptor, shutdown) + sizeof(void (*)(void*)))
/* The size of a descriptor of ABI 1.1 (with scan_document, without deliver_letter). */
#define SAGSFLOW_DESCRIPTOR_SIZE_1_1 (offsetof(sf_plugin_descriptor, deliver_letter))

/* The one exported entry point. Returns NULL if the plugin cannot start
 * (then it should have logged why through host->log). */
typedef const sf_plugin_descriptor* (*sf_plugin_entry_fn)(const sf_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* SAGSFLOW_PLUGIN_ABI_H */
