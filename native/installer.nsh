; Per-machine install: Lantern's managed policy folder is created for IT to fill in.
!macro customInstall
  CreateDirectory "$COMMONPROGRAMDATA\Lantern"
!macroend
