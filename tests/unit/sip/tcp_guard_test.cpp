#include "sip/tcp_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace hotline::sip {
namespace {

std::vector<StreamConnection> From(const std::string& ip, int first_fd, int count) {
  std::vector<StreamConnection> out;
  for (int i = 0; i < count; ++i) out.push_back({first_fd + i, ip, 0});
  return out;
}

std::vector<int> Sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(TcpGuard, TheNewestOverAPerSourceCapGo) {
  auto all = From("10.0.0.1", 10, 5);
  auto other = From("10.0.0.2", 100, 2);
  all.insert(all.end(), other.begin(), other.end());
  EXPECT_EQ(Sorted(ChooseToClose(all, {3, 100, 60000})), (std::vector<int>{13, 14}));
}

TEST(TcpGuard, TheNewestOverTheTotalGo) {
  auto all = From("10.0.0.1", 10, 3);
  auto other = From("10.0.0.2", 20, 3);
  all.insert(all.end(), other.begin(), other.end());
  EXPECT_EQ(Sorted(ChooseToClose(all, {10, 4, 60000})), (std::vector<int>{21, 22}));
}

TEST(TcpGuard, IdleConnectionsGoWhateverTheCounts) {
  std::vector<StreamConnection> all = {{5, "a", 1000}, {6, "a", 700000}, {7, "b", 599999}};
  EXPECT_EQ(ChooseToClose(all, {10, 10, 600000}), (std::vector<int>{6}));
}

TEST(TcpGuard, NothingToCloseUnderTheCaps) {
  EXPECT_TRUE(ChooseToClose(From("a", 3, 10), {10, 10, 60000}).empty());
  EXPECT_TRUE(ChooseToClose({}, {1, 1, 1}).empty());
}

TEST(TcpGuard, ScannerSeesConnectionsToItsPortOnly) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 8), 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  uint16_t port = ntohs(address.sin_port);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  int accepted = accept(listener, nullptr, nullptr);
  ASSERT_GE(accepted, 0);
  StreamConnectionScanner scanner;
  auto found = scanner.Scan({port});
  ASSERT_EQ(found.size(), 1u);       // the accepted side (the listener has no peer; the client's
  EXPECT_EQ(found[0].fd, accepted);  // local port is another one)
  EXPECT_EQ(found[0].peer_ip, "127.0.0.1");
  EXPECT_LT(found[0].idle_ms, 5000u);
  ShutDownSockets({accepted});
  char byte;
  EXPECT_EQ(recv(client, &byte, 1, 0), 0);  // the peer sees the connection end
  close(client);
  close(accepted);
  close(listener);
}

}  // namespace
}  // namespace hotline::sip
