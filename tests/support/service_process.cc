#include "tests/support/service_process.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace crm::testing {

namespace {

bool Exited(pid_t pid, int* status) {
  return waitpid(pid, status, WNOHANG) == pid;
}

}  // namespace

std::string TestBrokers() {
  const char* brokers = std::getenv("CRM_TEST_KAFKA");
  if (brokers == nullptr || *brokers == '\0') {
    ADD_FAILURE() << "CRM_TEST_KAFKA is not set: run the tests with tools/test,"
                     " which starts a test broker";
    return "127.0.0.1:1";
  }
  return brokers;
}

std::string UniqueTopic(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return prefix + "." + std::to_string(getpid()) + "." +
         std::to_string(
             std::chrono::duration_cast<std::chrono::milliseconds>(now)
                 .count()) +
         "." + std::to_string(counter++);
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) Stop();
}

void ServiceProcess::Spawn(const std::string& port_file) {
  std::vector<std::string> args = args_;
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  if (!port_file.empty()) {
    args.push_back("--port-file");
    args.push_back(port_file);
  }
  pid_ = fork();
  if (pid_ == 0) {
    const int log =
        open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    argv.push_back(binary_.data());
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary_.c_str(), argv.data());
    _exit(127);
  }
}

bool ServiceProcess::Start(double timeout_s) {
  const std::string port_file = log_path_ + ".port";
  std::filesystem::remove(port_file);
  Spawn(port_file);

  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (Exited(pid_, &status)) {
      pid_ = -1;
      return false;
    }
    std::ifstream in(port_file);
    if (in >> port_ && port_ > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return false;
}

int ServiceProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServiceProcess::RunToExit(double timeout_s) {
  Spawn("");
  const auto give_up = std::chrono::steady_clock::now() +
                       std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (Exited(pid_, &status)) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return -1;
}

std::string ServiceProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace crm::testing
