// CSV fields are quoted as RFC 4180 says, and the channel report's CSV uses it.
#include <gtest/gtest.h>

#include "sagsflow/reports/channel_report.hpp"
#include "sagsflow/reports/csv.hpp"

namespace sagsflow {
namespace {

TEST(CsvQuoting, PlainFieldsAreWrittenAsTheyAre) {
  EXPECT_EQ(csv_field("Borgerservice"), "Borgerservice");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("0.2500"), "0.2500");
  EXPECT_EQ(csv_field("Sygedagpenge; Jobcenter"), "Sygedagpenge; Jobcenter");
  EXPECT_EQ(csv_field("phone->digital_self_service"), "phone->digital_self_service");
}

TEST(CsvQuoting, CommasQuotesAndLineBreaksAreQuotedAndQuotesDoubled) {
  EXPECT_EQ(csv_field("Borgerservice, Nord"), "\"Borgerservice, Nord\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("\""), "\"\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field("Ydelse \"A\", B"), "\"Ydelse \"\"A\"\", B\"");
}

TEST(CsvQuoting, RowsJoinQuotedFieldsWithCommas) {
  EXPECT_EQ(csv_row({"backlog", "Team \"Øst\", 2. sal", "3", "", ""}), "backlog,\"Team \"\"Øst\"\", 2. sal\",3,,\n");
  EXPECT_EQ(csv_row({}), "\n");
  EXPECT_EQ(csv_row({""}), "\n");
}

TEST(CsvQuoting, TheChannelReportQuotesAQueueNameWithACommaAndAQuote) {
  ReportRequest req;
  req.municipality = "0999";
  req.from = "2026-03-01";
  req.to = "2026-04-01";
  const std::vector<InquiryCount> rows = {
      {"2026-03-02", Channel::kPhone, InquiryType::kGeneralInformation, true, false, false, false, 1}};
  const auto r = build_channel_report(req, default_channel_strategy(), rows, {},
                                      {{"Ydelse \"A\", Nord", 5}, {"Borgerservice", 1}});
  const std::string csv = report_csv(r);
  EXPECT_NE(csv.find("\nbacklog,\"Ydelse \"\"A\"\", Nord\",1,,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nbacklog,Borgerservice,1,,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nchannel,phone,1,1.0000,45\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace sagsflow
