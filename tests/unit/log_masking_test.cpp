#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "sagsflow/domain/cpr.hpp"
#include "sagsflow/domain/log.hpp"

using namespace sagsflow;

TEST(LogMasking, NoLogLineCarriesACprNumberInClear) {
  std::ostringstream out;
  set_log_sink(std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  auto log = logger();
  log->set_level(spdlog::level::info);
  const auto cpr = Cpr::parse("070761-4285");
  log->info("citizen {} called", cpr->reveal());        // a careless caller
  log->warn("lookup of 0707614285 failed");             // no dash
  log->info("masked already: {}", cpr->masked());
  log->flush();
  const std::string text = out.str();
  EXPECT_EQ(text.find("4285"), std::string::npos) << text;
  EXPECT_NE(text.find("citizen 070761-XXXX called"), std::string::npos) << text;
  EXPECT_NE(text.find("lookup of 070761-XXXX failed"), std::string::npos) << text;
}
