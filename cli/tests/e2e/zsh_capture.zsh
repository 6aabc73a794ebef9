# Prints what zsh offers for a command line: `zsh -f zsh_capture.zsh SCRIPT "words typed"`.
# An interactive zsh under zpty sources the completion script, gets the line and a TAB, and
# a compadd wrapper prints each match between two NUL lines (the technique of
# zsh-capture-completion).
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT=; autoload -Uz compinit; compinit -u -D"
zpty -w z "source ${(q)1}"
zpty -w z 'bindkey "^I" complete-word; zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w z 'null-line () { echo -E - $'"'"'\0'"'"' }; compprefuncs=( null-line ); comppostfuncs=( null-line exit )'
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do echo -E - "HIT:$h"; done }'
zpty -n -w z "$2"$'\t'
integer tog=0
while zpty -r z line; do
  [[ $line == *$'\0'* ]] && { (( tog++ )); (( tog == 2 )) && break; continue }
  (( tog == 1 )) && [[ $line == HIT:* ]] && print -r -- "${${line#HIT:}%$'\r'}"
done
zpty -d z
