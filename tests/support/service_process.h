#ifndef CRM_TESTS_SUPPORT_SERVICE_PROCESS_H_
#define CRM_TESTS_SUPPORT_SERVICE_PROCESS_H_

#include <string>
#include <vector>

#include <sys/types.h>

namespace crm::testing {

// The test broker's address, from CRM_TEST_KAFKA (tools/test sets it).
// Fails the calling test when it is unset.
std::string TestBrokers();

// A topic name no other test uses.
std::string UniqueTopic(const std::string& prefix);

// A service executable run as a child process, the way an operator runs it.
// Start passes --port-file and waits until the service has bound its port;
// the destructor stops it with SIGTERM.
class ServiceProcess {
 public:
  ServiceProcess(std::string binary, std::vector<std::string> args,
                 std::string log_path)
      : binary_(std::move(binary)),
        args_(std::move(args)),
        log_path_(std::move(log_path)) {}

  ~ServiceProcess();

  // Starts the process; false when it exits or does not listen within
  // `timeout_s` seconds (its log says why).
  bool Start(double timeout_s = 60);

  // Sends SIGTERM and waits; returns the exit status.
  int Stop();

  // Sends SIGKILL and reaps the process.
  void Kill();

  // Runs the process to completion (for start-up refusals); returns its
  // exit status, or -1 if it still runs after `timeout_s`.
  int RunToExit(double timeout_s);

  // Arguments added to the next starts (e.g. a one-time flag).
  void set_extra_args(std::vector<std::string> args) {
    extra_args_ = std::move(args);
  }

  int port() const { return port_; }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  std::string Log() const;

 private:
  void Spawn(const std::string& port_file);

  std::string binary_;
  std::vector<std::string> args_;
  std::vector<std::string> extra_args_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace crm::testing

#endif  // CRM_TESTS_SUPPORT_SERVICE_PROCESS_H_
