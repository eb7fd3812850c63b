#pragma once
// Review (评议): files waiting for a decision. Loan applications whose materials wait to be
// checked are passed or refused, always with a reason (Store::changeStatus records who, when and
// why). Hardship assessments submitted for review collect the three-party review (county,
// township, village: 三方会审) and the class's democratic review (民主评议) as entries, then staff
// confirm or change the level with a reason. Volunteers see the lists but cannot decide.
// The lists are read on the worker (a county has thousands of files) and refresh after saves.
#include "context.hpp"

namespace zhuxue::ui {

class ReviewScreen {
public:
    void draw(Context& ctx);
    bool loading() const { return m_loading; }

    struct AppRow {
        LoanApplication application;
        std::string student;
    };
    struct AssessmentRow {
        HardshipAssessment assessment;
        std::string student;
    };

private:
    void reload(Context& ctx);
    void drawApplication(Context& ctx, const AppRow& row);
    void drawAssessment(Context& ctx, const AssessmentRow& row);
    void decide(Context& ctx, const AppRow& row, LoanStatus to);

    bool m_loading = false;
    uint64_t m_loadedVersion = ~uint64_t{0};
    std::vector<AppRow> m_apps;
    std::vector<AssessmentRow> m_assessments;
    std::vector<DemocraticReview> m_entries; // of the selected assessment
    int m_selectedApp = -1, m_selectedAssessment = -1;
    std::string m_reason, m_error, m_status;
    // A review entry being written.
    std::string m_reviewer, m_opinion, m_votesFor, m_votesAgainst;
    int m_role = 0, m_entryLevel = 0, m_finalLevel = 0;
};

} // namespace zhuxue::ui
