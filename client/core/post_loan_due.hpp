#pragma once
// What a loan asks of its borrower this year, from its status and the student's programme: a
// graduation confirmation (still in study, the programme ends this year or ended earlier) or a
// repayment in the 1 Nov - 20 Dec window (grace years pay interest, repaying years principal and
// interest). The post-loan lists, the home screen's count and a family's page read it from here.
#include "records.hpp"

#include <optional>

namespace zhuxue::core {

enum class PostLoanDue { GraduationConfirmation, Repayment };

struct PostLoanDueItem {
    PostLoanDue due = PostLoanDue::GraduationConfirmation;
    int graduationYear = 0; // for a confirmation: the year the programme ends
};

// Whether anything can fall due for a loan in this status (from disbursement until repaid):
// callers skip reading the student for the others.
bool postLoanDueMayApply(LoanStatus status);

// enrollmentYear and programYears as the student record holds them (0 = unknown: no confirmation
// can be said to be due).
std::optional<PostLoanDueItem> postLoanDue(LoanStatus status, int enrollmentYear, int programYears, int year);

} // namespace zhuxue::core
