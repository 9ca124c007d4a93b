// synwatchctl's commands over Sessions and Detectors: top, sessions, detectors.
#pragma once

#include "control/ctl/ctl_call.h"

namespace synwatch::ctl {

int top(const Call& c);
int sessions(const Call& c);
int detectors(const Call& c);

}  // namespace synwatch::ctl
