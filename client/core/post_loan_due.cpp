#include "post_loan_due.hpp"

namespace zhuxue::core {

bool postLoanDueMayApply(LoanStatus status) {
    switch (status) {
    case LoanStatus::Disbursed:
    case LoanStatus::InStudy:
    case LoanStatus::GraduationConfirmed:
    case LoanStatus::Grace:
    case LoanStatus::Repaying:
    case LoanStatus::Overdue: return true;
    default: return false;
    }
}

std::optional<PostLoanDueItem> postLoanDue(LoanStatus status, int enrollmentYear, int programYears, int year) {
    switch (status) {
    case LoanStatus::Disbursed:
    case LoanStatus::InStudy: {
        if (enrollmentYear <= 0 || programYears <= 0 || enrollmentYear + programYears > year)
            return std::nullopt;
        return PostLoanDueItem{PostLoanDue::GraduationConfirmation, enrollmentYear + programYears};
    }
    case LoanStatus::GraduationConfirmed:
    case LoanStatus::Grace:
    case LoanStatus::Repaying:
    case LoanStatus::Overdue: return PostLoanDueItem{PostLoanDue::Repayment, 0};
    default: return std::nullopt;
    }
}

} // namespace zhuxue::core
