fn main() {
    // Listing the commands turns on their permission checks: the capability file grants them.
    let commands = &["probe", "preview_frame", "estimate_size", "make_gif", "cancel_gif", "gif_bytes", "save_gif", "convert_gif", "copy_gif", "take_opened", "system_languages", "set_language", "history_list", "history_add", "history_saved", "history_remove", "history_thumb", "history_open", "drag_gif", "set_sign_in", "firefox_profiles", "versions", "update_video_support", "timeline", "preview_loop", "cache_usage", "clear_cache", "discard_gif"];
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)))
        .expect("tauri build script failed");
}
