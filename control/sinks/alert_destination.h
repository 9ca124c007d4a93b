// AlertDestination: somewhere slow that alert events are delivered to (a file, a
// syslog collector). It is only ever called from its AlertOutbox's thread, so it needs
// no locks of its own, and it may block for as long as its own timeouts allow.
#pragma once

#include "dataplane/detect/alert.h"

namespace synwatch::sinks {

class AlertDestination {
 public:
  virtual ~AlertDestination() = default;
  // False when the event could not be delivered (the outbox counts it as failed).
  virtual bool deliver(const detect::Alert& alert) = 0;
  // The queue ran empty: push out anything buffered.
  virtual void flush() {}
  // Asked for on SIGHUP: open files again by path, reconnect.
  virtual void reopen() {}
};

}  // namespace synwatch::sinks
