/* Shared helpers of the classifier tests: the seeded policy, hand-built requests and assets. */
#ifndef INTAKE_TEST_CLASSIFIER_COMMON_H
#define INTAKE_TEST_CLASSIFIER_COMMON_H

#include "classifier.h"

/* The policy from the source tree's sql/seed, loaded once per process (aborts on error). */
const ClassifierPolicy *t_policy(void);

/* The asset registry's spellings from the source tree's data/classifier, loaded once (aborts on error). */
const ClassifierAssetFormat *t_asset_format(void);

/* A request with every array allocated. text: the symptoms. Free with parser_request_free. */
ParserRequest *t_request(const char *sn, const char *symptoms);
/* A complete request (model, address, contact, phone, city/district). */
ParserRequest *t_request_full(const char *sn, const char *symptoms, const char *city, const char *district);

/* A server asset: tier "gold"/"silver", ship date "YYYY-MM-DD"; the rest empty / basis ship. */
ClassifierAsset *t_asset(const char *sn, const char *tier, const char *ship_date);

/* Local time in Asia/Shanghai. "2026-11-21T23:26:30" (no offset). */
GDateTime *t_time(const char *local);
/* Formats a result time (NULL → "null"). Caller frees. */
char *t_fmt(GDateTime *t);

/* Classifies and returns the result (aborts on error). */
ClassifierResult *t_classify(const ParserRequest *req, const ClassifierAsset *asset,
                             const char *received_local);

/* TRUE when result has a reason with code. */
gboolean t_has_reason(const ClassifierResult *r, const char *code);
/* All reason codes joined by ",". Caller frees. */
char *t_reason_codes(const ClassifierResult *r);
char *t_date(const GDate *d);

#endif
