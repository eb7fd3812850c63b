// What falls due after the loan, by status and programme: a graduation confirmation in the year
// the programme ends (and later, until confirmed), a repayment each year from graduation on.
#include "client/core/post_loan_due.hpp"

#include <doctest/doctest.h>

using namespace zhuxue;
using namespace zhuxue::core;

TEST_CASE("graduation confirmation is due from the year the programme ends") {
    CHECK_FALSE(postLoanDue(LoanStatus::InStudy, 2023, 4, 2026).has_value()); // ends 2027
    auto due = postLoanDue(LoanStatus::InStudy, 2022, 4, 2026);
    REQUIRE(due.has_value());
    CHECK(due->due == PostLoanDue::GraduationConfirmation);
    CHECK(due->graduationYear == 2026);
    auto late = postLoanDue(LoanStatus::Disbursed, 2019, 5, 2026); // ended 2024, not confirmed
    REQUIRE(late.has_value());
    CHECK(late->graduationYear == 2024);
    // Without the programme's years nothing can be said to be due.
    CHECK_FALSE(postLoanDue(LoanStatus::InStudy, 0, 4, 2026).has_value());
    CHECK_FALSE(postLoanDue(LoanStatus::InStudy, 2020, 0, 2026).has_value());
}

TEST_CASE("a repayment is due every year from graduation until the loan is repaid") {
    for (LoanStatus s : {LoanStatus::GraduationConfirmed, LoanStatus::Grace, LoanStatus::Repaying,
                         LoanStatus::Overdue}) {
        auto due = postLoanDue(s, 2018, 4, 2026);
        REQUIRE(due.has_value());
        CHECK(due->due == PostLoanDue::Repayment);
        CHECK(postLoanDueMayApply(s));
    }
    for (LoanStatus s : {LoanStatus::PreApplication, LoanStatus::Applied, LoanStatus::CertificateIssued,
                         LoanStatus::Closed, LoanStatus::Rejected, LoanStatus::Withdrawn}) {
        CHECK_FALSE(postLoanDue(s, 2018, 4, 2026).has_value());
        CHECK_FALSE(postLoanDueMayApply(s));
    }
}
