/** What host applications touch: channel types and names. No runtime dependency. */
module dev.broadcast {
    exports dev.broadcast;
    /** The channel-template parser, shared with the engine's event resolution; not API. */
    exports dev.broadcast.internal to dev.broadcast.core;
}
