//! More windows in the test's browser, for tests with two agents side by side: each window has
//! its own pages, its own `sessionStorage` and its own page error hook; the helpers of
//! [`Harness`] act on the current one.

use anyhow::{Context, Result};
pub use fantoccini::wd::WindowHandle;

use crate::browser::install_error_hook;
use crate::Harness;

impl Harness {
    /// The window the helpers act on now.
    pub async fn current_window(&self) -> Result<WindowHandle> {
        self.client()
            .window()
            .await
            .context("asking for the current window")
    }

    /// Opens a new window, makes it the current one and installs the page error hook in it,
    /// so that [`Harness::page_errors`] works there too. Open a page in it with
    /// [`Harness::goto`].
    pub async fn open_window(&self) -> Result<WindowHandle> {
        let opened = self
            .client()
            .new_window(false)
            .await
            .context("opening a window")?;
        self.switch_to_window(&opened.handle).await?;
        install_error_hook(self.client()).await?;
        Ok(opened.handle)
    }

    /// Makes `window` the current one.
    pub async fn switch_to_window(&self, window: &WindowHandle) -> Result<()> {
        self.client()
            .switch_to_window(window.clone())
            .await
            .context("switching windows")
    }
}
