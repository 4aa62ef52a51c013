/**
 * Synthetic feedback for the demo, written for it: a few recurring themes in
 * several wordings each (so the PM agent's clustering has something to find),
 * plus praise and one-off remarks that stay unthemed.
 */
export const FEEDBACK_THEMES: Record<string, readonly string[]> = {
  darkMode: [
    'Please add a dark mode.',
    "We'd love a dark mode for the web app.",
    'The bright white interface is hard on the eyes, please add dark mode.',
    'Dark mode would make late shifts much easier on the eyes.',
    'Any plans for dark mode? The white screens are tiring at night.',
    'A dark mode option in settings would be great.',
    'Our night team keeps asking for a dark mode.',
  ],
  mobileCrash: [
    'The mobile app crashes every time I open a task with attachments!',
    'Mobile app crashes when opening attachments on a task.',
    'The iOS app crashes as soon as I open an attachment.',
    'Android app crashes on tasks that have attachments, very frustrating.',
    'Opening attachments in the mobile app makes it crash.',
    'The mobile app keeps crashing on attachments since the last update.',
  ],
  csvExport: [
    'Please let admins export the audit log as a CSV file.',
    'The CSV export uses semicolons in some columns and commas in others.',
    'CSV export of reports is broken: columns are shifted.',
    'We need CSV export for the time reports.',
    'Exporting the task list to CSV drops the due dates.',
    'The CSV export is missing the assignee column.',
  ],
  slowDashboard: [
    'Dashboard load time went from two seconds to twenty after the redesign.',
    'The home dashboard is slow to load in the morning.',
    'The dashboard is laggy on my laptop, loading takes ages.',
    'Dashboard loading is painfully slow with many projects.',
    'Our dashboard takes over ten seconds to load, too slow.',
  ],
  slackAlerts: [
    'Slack alerts arrive hours late.',
    'Slack alerts should reply in threads instead of new messages.',
    'Slack notifications are delayed by an hour or more.',
    'The Slack integration sends duplicate alerts.',
    'Slack alerts stopped arriving for our channel yesterday.',
  ],
  sso: [
    'SSO with Azure AD fails with an invalid audience error.',
    'We need just-in-time user provisioning through SSO.',
    'SSO login fails for users with a plus sign in their email.',
    'SSO login should map Okta groups to user roles.',
  ],
  praise: [
    'I love how clean and simple the interface is.',
    'Thank you for the new calendar view, it looks great.',
    'Great product, our team is much more organised now.',
    'The help desk answered within minutes, excellent service.',
  ],
  other: [
    "We'd pay for a plan between Team and Enterprise, the jump is too big.",
    'Could you add recurring tasks that skip weekends?',
    'Is there a way to archive old projects in bulk?',
    'Please add a Gantt chart view.',
  ],
};
