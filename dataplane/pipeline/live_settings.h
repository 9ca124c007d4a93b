// LiveSettings: what the workers read on their hot path that an operator may change at
// runtime without a restart: the address plan (sessions.internal_prefixes,
// external_prefixes and services), the decoder's sampling overrides and the compiled
// signatures.
//
// Switched RCU style, never under a lock: the control side builds a new immutable
// LiveSettings and posts a pointer to it on each worker's command ring; each worker
// takes it between two bursts, points its table and decoder at it and says which
// generation it now runs. The old settings are freed only once every worker has moved
// past them (a finished worker counts as moved), so no worker ever reads freed memory,
// and no packet waits for the change.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/decode/decoder_config.h"
#include "dataplane/session/perspective.h"
#include "dataplane/session/session_config.h"
#include "dataplane/signature/signature_set.h"

namespace synwatch::pipeline {

struct LiveSettings {
  // `signatures`: compiled for the pipeline's workers (SignatureSet::compile), or null.
  LiveSettings(const session::SessionConfig& sessions, const decode::DecoderConfig& decoder,
               std::shared_ptr<const signature::SignatureSet> compiled_signatures = nullptr)
      : perspective(sessions.internal, sessions.external),
        services(sessions.services),
        sampling_overrides(decoder.sampling_overrides),
        signatures(std::move(compiled_signatures)) {}

  uint64_t generation = 0;  // set by the pipeline when posted
  session::PerspectiveMap perspective;
  std::vector<session::Service> services;
  std::vector<decode::SamplingOverride> sampling_overrides;
  std::shared_ptr<const signature::SignatureSet> signatures;
};

}  // namespace synwatch::pipeline
