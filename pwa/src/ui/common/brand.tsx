/** The name and mark at the top of every screen before unlocking. */
export function Brand() {
  return (
    <>
      <header className="brand">
        <img className="brand-mark" src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width={64} height={64} />
        <h1>Kura</h1>
      </header>
      <p className="tagline">End-to-end encrypted archive for medical images</p>
    </>
  );
}
