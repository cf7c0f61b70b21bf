/** First visit on this browser: start a new facility, or join one that exists. */
export function Welcome({ onRegister, onEnrol }: { onRegister(): void; onEnrol(): void }) {
  return (
    <section className="gate-section" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Set up this device</h2>
      <div className="choices">
        <div className="choice">
          <h3>New facility</h3>
          <p>For the first device of a clinic or hospital. You become its administrator and get a Recovery Kit.</p>
          <button type="button" onClick={onRegister}>
            Register facility
          </button>
        </div>
        <div className="choice">
          <h3>Existing facility</h3>
          <p>Use the facility ID and secret key from the Recovery Kit, with the password your administrator set for you.</p>
          <button type="button" className="secondary" onClick={onEnrol}>
            Enrol this device
          </button>
        </div>
      </div>
    </section>
  );
}
