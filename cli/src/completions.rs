//! `completions SHELL`: clap_complete's script for the tree with every command and flag
//! (`app::for_completions`), with its bash function fixed for a hyphenated binary name.

use crate::error::CliError;
use clap_complete::Shell;

const BIN: &str = "lineworks-partner";

pub fn run(shell: Shell) -> Result<(), CliError> {
    let mut cmd = crate::app::for_completions();
    // Into a buffer first: clap_complete panics when its writer fails (`| head`).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut script);
    let script = match shell {
        Shell::Bash => fix_bash(&String::from_utf8_lossy(&script)).into_bytes(),
        _ => script,
    };
    crate::error::emit(&script)
}

/// clap_complete's bash script names a command path `lineworks__partner__subcmd__...` where
/// it sets `cmd`, but spells the binary's hyphen as `__subcmd__` in the arms that read it
/// (`lineworks__subcmd__partner__subcmd__...`), so below the command name nothing matched
/// and nothing was completed. The arms are spelt as `cmd` is.
fn fix_bash(script: &str) -> String {
    let set = BIN.replace('-', "__");
    let read = BIN.replace('-', "__subcmd__");
    script.replace(&format!("{read}__subcmd__"), &format!("{set}__subcmd__"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn arms_are_spelt_as_cmd_is() {
        let broken = "cmd=\"lineworks__partner__subcmd__list__subcmd__customers\"\n\
                      lineworks__subcmd__partner__subcmd__list__subcmd__customers)";
        let fixed = super::fix_bash(broken);
        assert!(!fixed.contains("lineworks__subcmd__partner"), "{fixed}");
        assert_eq!(
            fixed
                .matches("lineworks__partner__subcmd__list__subcmd__customers")
                .count(),
            2
        );
    }
}
