#pragma once
// The self-service kiosk (zhuxue --kiosk): a family walks through one question per step: the
// service → the policy card (政策明白卡, from the policy data) → a quick eligibility check →
// consent (the student and, for a first loan, the co-borrower each accept the versioned consent
// text before any detail is typed; declining skips the details) → student and co-borrower details (on-screen keypad, the staff client's validation) → materials
// to bring → a queue ticket now or a booked time slot → the ticket on screen (and on paper).
//
// Privacy on a shared machine: the kiosk never shows or searches anyone's records; ID numbers
// are masked once entered; after the idle time (with a visible countdown) the screen and every
// draft in memory are wiped, including ImGui's text-edit buffer. Leaving needs the staff PIN.
#include "client/app/app.hpp"
#include "client/app/worker.hpp"
#include "client/core/findings.hpp"
#include "client/core/policy.hpp"
#include "client/store/consent_files.hpp"
#include "client/ui/hall/queue_client.hpp"
#include "offline_tickets.hpp"
#include "sealed_outbox.hpp"
#include "sync/server/queue_config.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zhuxue::ui::kiosk {

enum class Step {
    Choose,
    Card,
    EligLocal,
    EligAdmitted,
    EligOtherLoan,
    Consent,
    StudentName,
    StudentId,
    StudentPhone,
    CoName,
    CoId,
    CoPhone,
    Materials,
    Take,
    Township,
    Slot,
    Ticket,
};

// Everything a family typed or chose. wipe() overwrites the characters before freeing them.
struct KioskDraft {
    std::string service;
    std::string studentName, studentId, studentPhone;
    std::string coName, coId, coPhone;
    std::string township;
    // The family's acceptance of the consent text, which travels with the details it covers:
    // the version and SHA-256 of the exact text shown, and when each party tapped "agree".
    std::string consentVersion, consentLanguage, consentSha256;
    UnixMs studentConsentMs = 0, coConsentMs = 0;
    void wipe();
    bool empty() const;
};

class KioskClient {
public:
    KioskClient(app::App& app, std::filesystem::path dataDir);
    ~KioskClient();
    void draw();

    // For tests: the state a person would see.
    Step step() const { return m_path.empty() ? Step::Choose : m_path[m_index]; }
    const KioskDraft& draft() const { return m_draft; }
    const std::optional<hall::HallTicket>& ticket() const { return m_ticket; }
    const std::optional<hall::HallAppointment>& appointment() const { return m_appointment; }
    bool ticketIsLocal() const { return m_ticketLocal; }
    // Whether the family's details went to staff (sealed) with this ticket or appointment; false
    // when there were none, or no seal key was known (then the ticket step says so).
    bool detailsSealed() const { return m_detailsSealed; }
    bool exitRequested() const { return m_exitRequested; }
    bool busy() const { return m_worker.busy() > 0 || m_waiting; }
    // The hall configuration, policy and consent text are loaded (on the worker, after the first
    // frame); until then the choices on the first step wait.
    bool ready() const { return m_ready; }
    int wipes() const { return m_wipes; }
    const std::filesystem::path& lastPdf() const { return m_lastPdf; }
    // Everything the kiosk holds of the family (draft, findings, ticket, slots) is gone.
    bool holdsNothing() const;
    // For tests on a real window, where ImGui's clock is the wall clock: as if nobody had
    // touched the screen for `seconds` more.
    void pretendIdle(double seconds) { m_lastInput -= seconds; }

private:
    struct Loaded;
    static Loaded load(const std::filesystem::path& dataDir);
    // kiosk_client.cpp: frame, idle wipe, staff PIN, server work
    void startService(const std::string& service);
    void go(Step s);
    void next();
    void back();
    void wipe();
    void trackIdle();
    void drawIdleWarning(double left);
    void drawPin();
    void takeNumber();
    // The family's details as JSON for staff (empty when they typed none), and what the worker
    // does with them once the ticket or appointment exists: seal, keep sealed, hand in.
    std::string detailsJson() const;
    bool sealDetails(std::string& details, const std::string& id, const std::string& code,
                     hall::QueueClient* online);
    void loadSlots();
    void book(const std::string& day, const std::string& time);
    void printTicket();
    std::string windowsOf(const std::string& service) const;
    std::string serviceName(const std::string& service) const;

    // kiosk_steps.cpp: one function per kind of step
    void drawStep();
    void drawChoose();
    void drawCard();
    void drawQuestion(const char* questionKey, const char* yesKey, const char* noKey, bool yesIsGood,
                      const char* refusalKey);
    void drawConsent();
    bool coBorrowerConsentNeeded() const { return m_draft.service == "first_loan"; }
    void drawName(const char* promptKey, std::string& value);
    void drawNumber(const char* promptKey, std::string& value, bool isId, bool coBorrower);
    void drawMaterials();
    void drawTake();
    void drawTownship();
    void drawSlot();
    void drawTicket();
    bool bigButton(const char* labelKey, const char* id, float width = 0);
    bool validateNumber(bool isId, bool coBorrower);
    void navigation(bool showNext, bool nextEnabled = true);

    app::App& m_app;
    std::filesystem::path m_dataDir;
    KioskConfig m_config;
    std::optional<zhuxue::hall::HallConfig> m_hall;
    std::optional<core::PolicySet> m_policies;
    std::optional<store::ConsentText> m_consentText;
    hall::HallLink m_link;
    bool m_ready = false;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0); // expires with this kiosk
    OfflineTickets m_offline;
    SealedOutbox m_outbox; // the family's details, sealed to the hall server (worker thread only)
    app::Worker m_worker;
    uint64_t m_generation = 0; // bumped by wipe: results of older requests are dropped

    std::vector<Step> m_path;
    std::size_t m_index = 0;
    KioskDraft m_draft;
    core::Findings m_findings;
    std::string m_refusal;       // i18n key of an eligibility answer that stops the application
    bool m_idEntered[2] = {false, false}; // student, co-borrower: shown masked from now on
    std::optional<hall::HallTicket> m_ticket;
    bool m_ticketLocal = false;
    bool m_detailsSealed = false, m_detailsLost = false;
    std::optional<hall::HallAppointment> m_appointment;
    std::vector<hall::SlotDay> m_slots;
    int m_slotDay = 0;
    std::string m_message; // i18n key of a notice on the current step
    bool m_waiting = false;
    std::filesystem::path m_lastPdf;

    double m_lastInput = 0;
    ImVec2 m_lastMouse{-1, -1};
    int m_wipes = 0;

    bool m_pinOpen = false;
    std::string m_pin;
    int m_pinFailures = 0;
    double m_pinLockedUntil = 0;
    bool m_pinWrong = false;
    bool m_exitRequested = false;
};

} // namespace zhuxue::ui::kiosk
