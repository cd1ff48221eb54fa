// The kernel drop list, over real UDP sockets on loopback: datagrams from a blocked address
// never reach the socket; others do; the list can be replaced and emptied.
#include "sip/kernel_source_filter.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace hotline::sip {
namespace {

int BoundUdp(const char* ip, uint16_t port = 0) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, ip, &address.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  timeval timeout{0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

uint16_t PortOf(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

in_addr_t Ip(const char* text) {
  in_addr address{};
  inet_pton(AF_INET, text, &address);
  return address.s_addr;
}

// Sends one datagram from `from` to the server; returns what the server received from it.
std::string Exchange(int server, const char* from) {
  int client = BoundUdp(from);
  if (client < 0) return "<cannot bind " + std::string(from) + ">";
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(PortOf(server));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  std::string text = std::string("hello from ") + from;
  sendto(client, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  close(client);
  char buffer[256];
  ssize_t n = recv(server, buffer, sizeof buffer, 0);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

TEST(KernelSourceFilter, DropsBlockedSourcesOnly) {
  int server = BoundUdp("127.0.0.1");
  ASSERT_GE(server, 0);
  KernelSourceFilter filter;
  filter.AttachToFd(server);
  ASSERT_TRUE(filter.SetBlocked({Ip("127.0.0.2"), Ip("127.0.0.4")}).ok());
  EXPECT_EQ(Exchange(server, "127.0.0.2"), "");
  EXPECT_EQ(Exchange(server, "127.0.0.3"), "hello from 127.0.0.3");
  EXPECT_EQ(Exchange(server, "127.0.0.4"), "");
  EXPECT_EQ(Exchange(server, "127.0.0.1"), "hello from 127.0.0.1");
  ASSERT_TRUE(filter.SetBlocked({Ip("127.0.0.3")}).ok());  // replaced
  EXPECT_EQ(Exchange(server, "127.0.0.2"), "hello from 127.0.0.2");
  EXPECT_EQ(Exchange(server, "127.0.0.3"), "");
  ASSERT_TRUE(filter.SetBlocked({}).ok());  // emptied
  EXPECT_EQ(Exchange(server, "127.0.0.3"), "hello from 127.0.0.3");
  close(server);
}

TEST(KernelSourceFilter, FindsTheSocketBoundToAnAddress) {
  int server = BoundUdp("127.0.0.1");
  ASSERT_GE(server, 0);
  KernelSourceFilter filter;
  ASSERT_TRUE(filter.AttachToSocketOf("127.0.0.1", PortOf(server)).ok());
  ASSERT_TRUE(filter.SetBlocked({Ip("127.0.0.5")}).ok());
  EXPECT_EQ(Exchange(server, "127.0.0.5"), "");
  EXPECT_EQ(Exchange(server, "127.0.0.6"), "hello from 127.0.0.6");
  EXPECT_FALSE(KernelSourceFilter().AttachToSocketOf("127.0.0.1", 1).ok());
  EXPECT_FALSE(KernelSourceFilter().AttachToSocketOf("::1", PortOf(server)).ok());
  close(server);
}

TEST(KernelSourceFilter, ManySourcesFitInOneProgram) {
  int server = BoundUdp("127.0.0.1");
  ASSERT_GE(server, 0);
  KernelSourceFilter filter;
  filter.AttachToFd(server);
  std::vector<in_addr_t> sources;
  for (int i = 0; i < 300; ++i) {
    sources.push_back(
        Ip(("127.0." + std::to_string(10 + i / 250) + "." + std::to_string(1 + i % 250)).c_str()));
  }
  ASSERT_TRUE(filter.SetBlocked(sources).ok());
  EXPECT_EQ(Exchange(server, "127.0.10.1"), "");                         // first of the list
  EXPECT_EQ(Exchange(server, "127.0.10.200"), "");                       // the 200th
  EXPECT_EQ(Exchange(server, "127.0.11.40"), "hello from 127.0.11.40");  // beyond kMaxSources
  close(server);
}

}  // namespace
}  // namespace hotline::sip
