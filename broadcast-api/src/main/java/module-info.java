/** What host applications touch: channel types and names. No runtime dependency. */
module dev.broadcast {
    exports dev.broadcast;
}
