// Botpress' documented React embed (@botpress/webchat: `<Webchat clientId>` and a `<Fab>` that
// toggles it), as a React app would ship it: `cargo xtask bench embed` bundles this file with
// esbuild (React production build, minified) and loads it with a module script.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Fab, Webchat } from '@botpress/webchat';

function App() {
  const [isWebchatOpen, setIsWebchatOpen] = useState(false);
  const toggleWebchat = () => setIsWebchatOpen((prevState) => !prevState);
  return (
    <>
      <Webchat
        clientId="00000000-0000-4000-8000-000000000000"
        style={{
          width: '400px',
          height: '600px',
          display: isWebchatOpen ? 'flex' : 'none',
          position: 'fixed',
          bottom: '90px',
          right: '20px',
        }}
      />
      <Fab
        onClick={toggleWebchat}
        style={{ position: 'fixed', bottom: '20px', right: '20px', width: '64px', height: '64px' }}
      />
    </>
  );
}

createRoot(document.getElementById('botpress-webchat')).render(<App />);
